using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Server.Reconstruction;

namespace Gateway.Server.DicomWeb.Latent;

/// <summary>The latents of archived instances as float32 arrays (the /latent resources), read by the latent engine.</summary>
public sealed class LatentArrays(LatentObjectReader latents, ILatentEngine? engine = null)
{
    /// <summary>The latent object of an instance (kept besides the original during its retention period), or null.</summary>
    public static ArchivedObject? LatentOf(ArchivedInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return instance.Objects.FirstOrDefault(stored => stored.Kind == StorageKind.Latent);
    }

    public async Task<LatentArray> ReadAsync(ArchivedObject latent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(latent);
        var latentEngine = engine ?? throw new InvalidOperationException($"This gateway has no latent engine to read latent object {latent.Key}.");
        var container = await latents.ReadAsync(latent, cancellationToken).ConfigureAwait(false);
        return latentEngine.ReadLatent(container);
    }
}
