using Gateway.Dicom.Codecs.Jpeg;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs;

/// <summary>
/// JPEG Extended (1.2.840.10008.1.2.4.51): 8-bit frames go to libjpeg-turbo (<see cref="JpegBaselineCodec"/>),
/// 12-bit frames, which libjpeg-turbo 2.1 cannot decode, to the managed <see cref="JpegDctCodec"/>.
/// </summary>
public sealed class JpegExtendedCodec : IPixelCodec
{
    private readonly JpegBaselineCodec _eightBit = new();
    private readonly JpegDctCodec _twelveBit = new();

    public IReadOnlyList<DicomTransferSyntax> TransferSyntaxes { get; } = [DicomTransferSyntax.JpegExtended];

    public bool CanEncode(DicomTransferSyntax syntax, FrameInfo info) => false;

    public DecodedFrame Decode(ReadOnlySpan<byte> encoded, DicomTransferSyntax syntax, FrameInfo info) =>
        JpegDctCodec.ReadPrecision(encoded) is > 8
            ? _twelveBit.Decode(encoded, syntax, info)
            : _eightBit.Decode(encoded, syntax, info);

    public byte[] Encode(ReadOnlySpan<byte> native, DicomTransferSyntax syntax, FrameInfo info, EncodeOptions options) =>
        throw new DicomCodecException("Encoding JPEG Extended is not supported; use JPEG Baseline (1.2.840.10008.1.2.4.50) for 8-bit lossy JPEG.");

    public string EncodedPhotometricInterpretation(DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return info.PhotometricInterpretation;
    }
}
