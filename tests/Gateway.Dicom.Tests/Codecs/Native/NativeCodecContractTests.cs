using Gateway.Dicom.Codecs;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Native;

/// <summary>What the native codecs accept and refuse, independent of test images.</summary>
public sealed class NativeCodecContractTests
{
    private static readonly FrameInfo Grey16 = new(64, 64, 1, 16, 12, false, "MONOCHROME2");
    private static readonly FrameInfo Rgb8 = new(64, 64, 3, 8, 8, false, "RGB");
    private static readonly byte[] NotAnImage = [.. Enumerable.Range(0, 256).Select(i => (byte)i)];

    [Fact]
    public void Jpeg2000_BytesThatAreNeitherCodestreamNorJp2_ThrowCodecExceptionShowingTheirStart()
    {
        var error = Assert.Throws<DicomCodecException>(
            () => new Jpeg2000Codec().Decode(NotAnImage, DicomTransferSyntax.Jpeg2000Lossless, Grey16));
        Assert.Contains("0001020304050607", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JpegLs_BytesThatAreNotJpegLs_ThrowCodecExceptionWithCharLSsReason()
    {
        var error = Assert.Throws<DicomCodecException>(
            () => new JpegLsCodec().Decode(NotAnImage, DicomTransferSyntax.JpegLSLossless, Grey16));
        Assert.StartsWith("CharLS: reading the JPEG-LS header failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JpegBaseline_BytesWithoutSoi_ThrowCodecException()
    {
        var error = Assert.Throws<DicomCodecException>(
            () => new JpegBaselineCodec().Decode(NotAnImage, DicomTransferSyntax.JpegBaseline, Rgb8));
        Assert.Contains("SOI", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_WithAnotherCodecsTransferSyntax_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new Jpeg2000Codec().Decode(NotAnImage, DicomTransferSyntax.JpegLSLossless, Grey16));
        Assert.Throws<ArgumentException>(() => new JpegLsCodec().Decode(NotAnImage, DicomTransferSyntax.Jpeg2000, Grey16));
        Assert.Throws<ArgumentException>(() => new JpegBaselineCodec().Decode(NotAnImage, DicomTransferSyntax.JpegLossless, Rgb8));
    }

    [Fact]
    public void Jpeg2000_EncodesPart1OnlyAndLabelsTransformedRgbAsRctOrIct()
    {
        var codec = new Jpeg2000Codec();
        Assert.True(codec.CanEncode(DicomTransferSyntax.Jpeg2000Lossless, Grey16));
        Assert.True(codec.CanEncode(DicomTransferSyntax.Jpeg2000, Rgb8));
        Assert.False(codec.CanEncode(DicomTransferSyntax.HtJpeg2000Lossless, Grey16));
        Assert.False(codec.CanEncode(DicomTransferSyntax.Jpeg2000, Grey16 with { PhotometricInterpretation = "PALETTE COLOR" }));
        Assert.Equal("YBR_RCT", new Jpeg2000Codec().EncodedPhotometricInterpretation(DicomTransferSyntax.Jpeg2000Lossless, Rgb8));
        Assert.Equal("YBR_ICT", new Jpeg2000Codec().EncodedPhotometricInterpretation(DicomTransferSyntax.Jpeg2000, Rgb8));
        Assert.Contains(DicomTransferSyntax.HtJpeg2000, codec.TransferSyntaxes);
    }

    [Fact]
    public void JpegBaseline_EncodesOnlyUnsigned8BitGreyOrRgb()
    {
        var codec = new JpegBaselineCodec();
        Assert.True(codec.CanEncode(DicomTransferSyntax.JpegBaseline, Rgb8));
        Assert.False(codec.CanEncode(DicomTransferSyntax.JpegBaseline, Grey16));
        Assert.False(codec.CanEncode(DicomTransferSyntax.JpegBaseline, Rgb8 with { PhotometricInterpretation = "YBR_FULL" }));
        Assert.False(codec.CanEncode(DicomTransferSyntax.JpegExtended, Rgb8));
        Assert.Equal("YBR_FULL_422", new JpegBaselineCodec().EncodedPhotometricInterpretation(DicomTransferSyntax.JpegBaseline, Rgb8));
    }

    [Fact]
    public void JpegLs_RejectsNearOutsideTheSampleRange()
    {
        var frame = new byte[Rgb8.NativeFrameLength];
        Assert.Throws<ArgumentOutOfRangeException>(() => new JpegLsCodec().Encode(
            frame, DicomTransferSyntax.JpegLSNearLossless, Rgb8, new EncodeOptions { JpegLSNear = 200 }));
    }
}
