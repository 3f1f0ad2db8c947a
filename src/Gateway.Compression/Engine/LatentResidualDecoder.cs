using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Compression.Representations;
using Gateway.Core.Retrieve;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Compression.Engine;

/// <summary>
/// The retrieve side of the latent+residual representation: the instance's header and its latent+residual object
/// (both verified by the <see cref="RepresentationSource"/>), the latent decoded by the engine, the residual decoded
/// and added (<see cref="LatentResidualCodec"/>, clipped to the stored range), and the file built with the lossy
/// flags (method MEDVAE, the ratio on the whole object) in Explicit VR Little Endian.
/// </summary>
public sealed class LatentResidualDecoder(ILatentEngine engine) : IRepresentationDecoder
{
    public StorageKind Kind => StorageKind.LatentResidual;

    public bool Reconstructs => true;

    public string ServedSyntax(ArchivedInstance instance, ArchivedObject stored) => DicomTransferSyntax.ExplicitVRLittleEndian.Uid;

    public async Task<Stream> OpenAsync(RepresentationSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var header = await source.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
        var bytes = await source.ReadAsync(source.Stored, cancellationToken).ConfigureAwait(false);
        var stored = LatentResidualObject.Read(bytes);
        var pixels = new LatentResidualCodec(DicomCodecRegistry.Default).Decode(stored, engine.Decode(stored.Latent, cancellationToken));
        var modelId = source.Stored.ModelId ?? engine.ReadLatent(stored.Latent).ModelId;
        var residual = stored.Coding == ResidualCoding.JpegLSNearLossless ? "a JPEG-LS near-lossless" : "a JPEG 2000";
        var lossy = new LossyCompression(LatentDecoder.CompressionMethod, bytes.Length, $"Reconstructed from a MedVAE latent by model {modelId} plus {residual} residual");
        var buffer = new MemoryStream();
        source.BuildLossyFile(header, pixels, lossy).Save(buffer);
        buffer.Position = 0;
        return buffer;
    }
}
