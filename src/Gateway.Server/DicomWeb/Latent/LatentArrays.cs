using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Compression.Representations;
using Gateway.Core.Retrieve;

namespace Gateway.Server.DicomWeb.Latent;

/// <summary>The latents of archived instances as float32 arrays (the /latent resources), read (verified) through the retrieve service and by the latent engine.</summary>
public sealed class LatentArrays(RetrieveService retrieve, ILatentEngine engine)
{
    /// <summary>
    /// The object holding an instance's latent (kept beside the original during its retention period): its latent
    /// replacement, the AI latent kept beside another replacement, or a latent+residual object (the latent inside); null when none.
    /// </summary>
    public static ArchivedObject? LatentOf(ArchivedInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return instance.AiLatent ?? instance.Objects.FirstOrDefault(stored => stored.Kind == StorageKind.LatentResidual);
    }

    /// <exception cref="DamagedObjectException">The latent object is not what the index recorded.</exception>
    public async Task<LatentArray> ReadAsync(ArchivedInstance instance, ArchivedObject latent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(latent);
        var stored = await retrieve.ReadObjectAsync(instance, latent, cancellationToken).ConfigureAwait(false);
        return engine.ReadLatent(latent.Kind == StorageKind.LatentResidual ? LatentResidualObject.Read(stored).Latent : stored);
    }
}
