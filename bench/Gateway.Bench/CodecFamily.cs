using Gateway.Dicom;
using Gateway.Dicom.Codecs;
using Gateway.Dicom.Imaging;

namespace Gateway.Bench;

/// <summary>A group of transfer syntaxes benchmarked together, and the registry whose codec decodes them.</summary>
internal sealed record CodecFamily(string Name, IReadOnlyList<DicomTransferSyntax> Syntaxes, string CodestreamExtension)
{
    public static CodecFamily Jpeg2000 { get; } =
        new("j2k", [DicomTransferSyntax.Jpeg2000Lossless, DicomTransferSyntax.Jpeg2000], "j2k");

    public static CodecFamily JpegLS { get; } =
        new("jpegls", [DicomTransferSyntax.JpegLSLossless, DicomTransferSyntax.JpegLSNearLossless], "jls");

    public static CodecFamily JpegLossless { get; } =
        new("jpegll", [DicomTransferSyntax.JpegLossless, DicomTransferSyntax.JpegLosslessSV1], "jpg");

    public static IReadOnlyList<CodecFamily> All { get; } = [Jpeg2000, JpegLS, JpegLossless];

    public bool Contains(DicomTransferSyntax syntax) => Syntaxes.Contains(syntax);

    /// <summary>
    /// The library's default registry, except that a JPEG 2000 thread count above 0 gets a registry whose
    /// <see cref="Jpeg2000Codec"/> passes it to opj_codec_set_threads (the default codec leaves OpenJPEG at one thread).
    /// </summary>
    public DicomCodecRegistry Registry(int threads) =>
        this == Jpeg2000 && threads > 0 ? new DicomCodecRegistry([new Jpeg2000Codec(threads)]) : DicomCodecRegistry.Default;
}
