using System.Globalization;
using Gateway.Dicom.Codecs;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Native;

/// <summary>Jpeg2000Codec.Encode, checked by decoding its codestreams with pydicom + GDCM.</summary>
[Collection(NativeCodecCollection.Name)]
public sealed class Jpeg2000EncodeTests(NativeCodecOracle oracle, ITestOutputHelper output)
{
    private static readonly EncodeOptions Ratio10 = new() { Jpeg2000Ratio = 10 };
    private static readonly EncodeOptions Ratio20 = new() { Jpeg2000Ratio = 20 };

    internal static readonly Dictionary<string, EncodeCase> Cases = new(StringComparer.Ordinal)
    {
        ["lossless signed 16-bit CT"] = new(NativeSources.SignedCt, DicomTransferSyntax.Jpeg2000Lossless, "gdcm", EncodeOptions.Default),
        ["lossless 12-bit MR"] = new(NativeSources.Mr12Bit, DicomTransferSyntax.Jpeg2000Lossless, "gdcm", EncodeOptions.Default),
        ["lossless 8-bit grey"] = new(NativeSources.Grey8Bit, DicomTransferSyntax.Jpeg2000Lossless, "gdcm", EncodeOptions.Default),
        ["lossless RGB"] = new(NativeSources.Rgb, DicomTransferSyntax.Jpeg2000Lossless, "gdcm", EncodeOptions.Default),
        ["lossless planar RGB"] = new(NativeSources.Rgb, DicomTransferSyntax.Jpeg2000Lossless, "gdcm", EncodeOptions.Default, Planar: true),
        ["lossy signed 16-bit CT, ratio 10"] = new(NativeSources.SignedCt, DicomTransferSyntax.Jpeg2000, "gdcm", Ratio10),
        ["lossy 12-bit MR, ratio 10"] = new(NativeSources.Mr12Bit, DicomTransferSyntax.Jpeg2000, "gdcm", Ratio10),
        ["lossy RGB, ratio 20"] = new(NativeSources.Rgb, DicomTransferSyntax.Jpeg2000, "gdcm", Ratio20),
    };

    /// <summary>
    /// Lowest PSNR accepted per lossy case (dB, peak 2^BitsStored - 1). Measured with OpenJPEG 2.5.0: CT 82.0,
    /// MR 47.4, RGB 36.7.
    /// </summary>
    private static readonly Dictionary<string, double> MinimumPsnr = new(StringComparer.Ordinal)
    {
        ["lossy signed 16-bit CT, ratio 10"] = 75,
        ["lossy 12-bit MR, ratio 10"] = 42,
        ["lossy RGB, ratio 20"] = 32,
    };

    public static TheoryData<string> LosslessCases => [.. Cases.Where(c => c.Value.Syntax == DicomTransferSyntax.Jpeg2000Lossless).Select(c => c.Key)];

    public static TheoryData<string> LossyCases => [.. MinimumPsnr.Keys];

    [Theory]
    [MemberData(nameof(LosslessCases))]
    public void LosslessEncode_GdcmDecodesTheOriginalBitForBit(string name)
    {
        var trip = Get(name);
        PixelComparison.AssertIdentical(trip.Native, trip.Decoded, trip.Info, name);
        Assert.True(trip.Encoded.AsSpan().StartsWith((byte[])[0xFF, 0x4F, 0xFF, 0x51]), "a raw codestream (SOC, SIZ), no JP2 wrapper");
        Assert.Equal(trip.Info.SamplesPerPixel == 3 ? "YBR_RCT" : trip.Info.PhotometricInterpretation, trip.EncodedPhotometric);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {trip.Native.Length} -> {trip.Encoded.Length} bytes (ratio {(double)trip.Native.Length / trip.Encoded.Length:F2}), bit-exact"));
    }

    [Theory]
    [MemberData(nameof(LossyCases))]
    public void LossyEncode_GdcmDecodesItNearTheOriginalAtTheRequestedRatio(string name)
    {
        var trip = Get(name);
        var psnr = PixelComparison.Psnr(trip.Native, trip.Decoded, trip.Info);
        var ratio = (double)trip.Native.Length / trip.Encoded.Length;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {trip.Native.Length} -> {trip.Encoded.Length} bytes (ratio {ratio:F2}), PSNR {psnr:F2} dB, max error {PixelComparison.MaxAbsoluteError(trip.Native, trip.Decoded, trip.Info)}"));
        Assert.True(psnr >= MinimumPsnr[name], $"PSNR {psnr:F2} dB is below {MinimumPsnr[name]} dB");
        var requested = Cases[name].Options.Jpeg2000Ratio;
        Assert.InRange(ratio, requested * 0.9, requested * 1.5);
        Assert.Equal(trip.Info.SamplesPerPixel == 3 ? "YBR_ICT" : trip.Info.PhotometricInterpretation, trip.EncodedPhotometric);
    }

    private RoundTrip Get(string name) => oracle.RoundTrip(nameof(Jpeg2000EncodeTests), name);
}
