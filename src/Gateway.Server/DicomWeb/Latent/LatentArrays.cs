using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Retrieve;

namespace Gateway.Server.DicomWeb.Latent;

/// <summary>The latents of archived instances as float32 arrays (the /latent resources), read (verified) through the retrieve service and by the latent engine.</summary>
public sealed class LatentArrays(RetrieveService retrieve, ILatentEngine engine)
{
    /// <summary>The latent object of an instance (kept besides the original during its retention period), or null.</summary>
    public static ArchivedObject? LatentOf(ArchivedInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return instance.Objects.FirstOrDefault(stored => stored.Kind == StorageKind.Latent);
    }

    /// <exception cref="DamagedObjectException">The latent object is not what the index recorded.</exception>
    public async Task<LatentArray> ReadAsync(ArchivedInstance instance, ArchivedObject latent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(latent);
        var container = await retrieve.ReadObjectAsync(instance, latent, cancellationToken).ConfigureAwait(false);
        return engine.ReadLatent(container);
    }
}
