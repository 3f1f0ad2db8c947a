using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Retrieve;
using Gateway.Dicom;

namespace Gateway.Compression.Engine;

/// <summary>
/// The retrieve side of the latent representation: the instance's header and its latent object (both verified by the
/// <see cref="RepresentationSource"/>), the latent decoded by the engine, and the file built with the lossy flags of a
/// MedVAE reconstruction, in Explicit VR Little Endian.
/// </summary>
public sealed class LatentDecoder(ILatentEngine engine) : IRepresentationDecoder
{
    /// <summary>The value of Lossy Image Compression Method (0028,2114) for latent reconstructions.</summary>
    public const string CompressionMethod = "MEDVAE";

    public StorageKind Kind => StorageKind.Latent;

    public bool Reconstructs => true;

    public string ServedSyntax(ArchivedInstance instance, ArchivedObject stored) => DicomTransferSyntax.ExplicitVRLittleEndian.Uid;

    public async Task<Stream> OpenAsync(RepresentationSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var header = await source.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        var container = await source.ReadAsync(source.Stored, cancellationToken).ConfigureAwait(false);
        var pixels = engine.Decode(container, cancellationToken);
        var modelId = source.Stored.ModelId ?? engine.ReadLatent(container).ModelId;
        var lossy = new LossyCompression(CompressionMethod, container.Length, $"Reconstructed from a MedVAE latent by model {modelId}");
        var buffer = new MemoryStream();
        source.BuildLossyFile(header, pixels, lossy).Save(buffer);
        buffer.Position = 0;
        return buffer;
    }
}
