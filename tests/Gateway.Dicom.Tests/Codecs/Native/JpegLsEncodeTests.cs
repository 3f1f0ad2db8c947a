using System.Globalization;
using Gateway.Dicom.Codecs;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Native;

/// <summary>JpegLsCodec.Encode, checked by decoding its streams with DCMTK's dcmdjpls (CharLS 1.x fork).</summary>
[Collection(NativeCodecCollection.Name)]
public sealed class JpegLsEncodeTests(NativeCodecOracle oracle, ITestOutputHelper output)
{
    private static readonly EncodeOptions Near2 = new() { JpegLSNear = 2 };
    private static readonly EncodeOptions Near3 = new() { JpegLSNear = 3 };

    internal static readonly Dictionary<string, EncodeCase> Cases = new(StringComparer.Ordinal)
    {
        ["lossless signed 16-bit CT"] = new(NativeSources.SignedCt, DicomTransferSyntax.JpegLSLossless, "dcmdjpls", EncodeOptions.Default),
        ["lossless 12-bit MR"] = new(NativeSources.Mr12Bit, DicomTransferSyntax.JpegLSLossless, "dcmdjpls", EncodeOptions.Default),
        ["lossless 8-bit grey"] = new(NativeSources.Grey8Bit, DicomTransferSyntax.JpegLSLossless, "dcmdjpls", EncodeOptions.Default),
        ["lossless RGB"] = new(NativeSources.Rgb, DicomTransferSyntax.JpegLSLossless, "dcmdjpls", EncodeOptions.Default),
        ["lossless planar RGB"] = new(NativeSources.Rgb, DicomTransferSyntax.JpegLSLossless, "dcmdjpls", EncodeOptions.Default, Planar: true),
        ["near-lossless signed 16-bit CT, NEAR 2"] = new(NativeSources.SignedCt, DicomTransferSyntax.JpegLSNearLossless, "dcmdjpls", Near2),
        ["near-lossless 12-bit MR, NEAR 2"] = new(NativeSources.Mr12Bit, DicomTransferSyntax.JpegLSNearLossless, "dcmdjpls", Near2),
        ["near-lossless RGB, NEAR 3"] = new(NativeSources.Rgb, DicomTransferSyntax.JpegLSNearLossless, "dcmdjpls", Near3),
    };

    public static TheoryData<string> LosslessCases => [.. Cases.Where(c => c.Value.Syntax == DicomTransferSyntax.JpegLSLossless).Select(c => c.Key)];

    public static TheoryData<string> NearLosslessCases => [.. Cases.Where(c => c.Value.Syntax == DicomTransferSyntax.JpegLSNearLossless).Select(c => c.Key)];

    [Theory]
    [MemberData(nameof(LosslessCases))]
    public void LosslessEncode_DcmdjplsDecodesTheOriginalBitForBit(string name)
    {
        var trip = Get(name);
        PixelComparison.AssertIdentical(trip.Native, trip.Decoded, trip.Info, name);
        Assert.Equal(trip.Info.PhotometricInterpretation, trip.EncodedPhotometric);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {trip.Native.Length} -> {trip.Encoded.Length} bytes (ratio {(double)trip.Native.Length / trip.Encoded.Length:F2}), bit-exact"));
    }

    [Theory]
    [MemberData(nameof(NearLosslessCases))]
    public void NearLosslessEncode_DcmdjplsDecodesEverySampleWithinNear(string name)
    {
        var trip = Get(name);
        var near = Cases[name].Options.JpegLSNear;
        var maxError = PixelComparison.MaxAbsoluteError(trip.Native, trip.Decoded, trip.Info);
        var psnr = PixelComparison.Psnr(trip.Native, trip.Decoded, trip.Info);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {trip.Native.Length} -> {trip.Encoded.Length} bytes (ratio {(double)trip.Native.Length / trip.Encoded.Length:F2}), max error {maxError}, PSNR {psnr:F2} dB"));
        Assert.InRange(maxError, 1, near);
    }

    private RoundTrip Get(string name) => oracle.RoundTrip(nameof(JpegLsEncodeTests), name);
}
