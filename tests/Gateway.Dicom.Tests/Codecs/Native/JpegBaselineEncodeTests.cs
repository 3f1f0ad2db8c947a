using System.Globalization;
using Gateway.Dicom.Codecs;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Native;

/// <summary>JpegBaselineCodec.Encode, checked by decoding its streams with DCMTK's dcmdjpeg (IJG 6b).</summary>
[Collection(NativeCodecCollection.Name)]
public sealed class JpegBaselineEncodeTests(NativeCodecOracle oracle, ITestOutputHelper output)
{
    private static readonly EncodeOptions Quality90 = new() { JpegQuality = 90 };
    private static readonly EncodeOptions Quality75 = new() { JpegQuality = 75 };

    internal static readonly Dictionary<string, EncodeCase> Cases = new(StringComparer.Ordinal)
    {
        ["8-bit grey, quality 90"] = new(NativeSources.Grey8Bit, DicomTransferSyntax.JpegBaseline, "dcmdjpeg", Quality90),
        ["RGB, quality 90"] = new(NativeSources.Rgb, DicomTransferSyntax.JpegBaseline, "dcmdjpeg", Quality90),
        ["planar RGB, quality 90"] = new(NativeSources.Rgb, DicomTransferSyntax.JpegBaseline, "dcmdjpeg", Quality90, Planar: true),
        ["RGB, quality 75"] = new(NativeSources.Rgb, DicomTransferSyntax.JpegBaseline, "dcmdjpeg", Quality75),
    };

    /// <summary>
    /// Lowest PSNR accepted per case (dB). Measured with libjpeg-turbo 2.1.5: grey q90 43.9, RGB q90 35.2,
    /// RGB q75 32.8 (RGB against the RGB input, so chroma subsampling counts).
    /// </summary>
    private static readonly Dictionary<string, double> MinimumPsnr = new(StringComparer.Ordinal)
    {
        ["8-bit grey, quality 90"] = 40,
        ["RGB, quality 90"] = 32,
        ["planar RGB, quality 90"] = 32,
        ["RGB, quality 75"] = 30,
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Encode_DcmdjpegDecodesItNearTheOriginal(string name)
    {
        var trip = Get(name);
        var psnr = PixelComparison.Psnr(trip.Native, trip.Decoded, trip.Info);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {trip.Native.Length} -> {trip.Encoded.Length} bytes (ratio {(double)trip.Native.Length / trip.Encoded.Length:F2}), PSNR {psnr:F2} dB"));
        Assert.True(psnr >= MinimumPsnr[name], $"PSNR {psnr:F2} dB is below {MinimumPsnr[name]} dB");
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Encode_WritesBaselineWithDicomsSubsampling(string name)
    {
        var trip = Get(name);
        var (marker, precision, sampling) = ReadFrameHeader(trip.Encoded);
        Assert.Equal(0xC0, marker); // SOF0: baseline, process 1
        Assert.Equal(8, precision);
        if (trip.Info.SamplesPerPixel == 3)
        {
            // PS3.5 8.2.1: YBR_FULL_422, i.e. Y sampled 2 x 1 against Cb and Cr.
            Assert.Equal([0x21, 0x11, 0x11], sampling);
            Assert.Equal("YBR_FULL_422", trip.EncodedPhotometric);
        }
        else
        {
            Assert.Equal([0x11], sampling);
            Assert.Equal(trip.Info.PhotometricInterpretation, trip.EncodedPhotometric);
        }
    }

    /// <summary>The SOF marker, precision and per-component sampling factors (ITU T.81 B.2.2), read here independently.</summary>
    private static (int Marker, int Precision, byte[] Sampling) ReadFrameHeader(byte[] jpeg)
    {
        var position = 2;
        while (jpeg[position] == 0xFF && !(jpeg[position + 1] is >= 0xC0 and <= 0xC2))
        {
            position += 2 + ((jpeg[position + 2] << 8) | jpeg[position + 3]);
        }

        var components = jpeg[position + 9];
        var sampling = Enumerable.Range(0, components).Select(c => jpeg[position + 11 + (3 * c)]).ToArray();
        return (jpeg[position + 1], jpeg[position + 4], sampling);
    }

    private RoundTrip Get(string name) => oracle.RoundTrip(nameof(JpegBaselineEncodeTests), name);
}
