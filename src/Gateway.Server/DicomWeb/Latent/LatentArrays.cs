using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Compression.Representations;
using Gateway.Server.Reconstruction;

namespace Gateway.Server.DicomWeb.Latent;

/// <summary>The latents of archived instances as float32 arrays (the /latent resources), read by the latent engine.</summary>
public sealed class LatentArrays(LatentObjectReader latents, ILatentEngine? engine = null)
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

    public async Task<LatentArray> ReadAsync(ArchivedObject latent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(latent);
        var latentEngine = engine ?? throw new InvalidOperationException($"This gateway has no latent engine to read latent object {latent.Key}.");
        var stored = await latents.ReadAsync(latent, cancellationToken).ConfigureAwait(false);
        return latentEngine.ReadLatent(latent.Kind == StorageKind.LatentResidual ? LatentResidualObject.Read(stored).Latent : stored);
    }
}
