using Gateway.Dicom.Codecs;

namespace Gateway.Dicom.Tests.Codecs.Native;

/// <summary>
/// Jpeg2000Codec.Decode against independent decoders: pydicom + GDCM 3.0.21 (which wraps the same OpenJPEG
/// library, so these check this codec's handling of layout, signedness and colour rather than the wavelet
/// decoder), OpenJPH's ojph_expand for HTJ2K (GDCM 3.0.21 cannot decode HTJ2K), and the uncompressed twins of
/// lossless files (known answers).
/// </summary>
[Collection(NativeCodecCollection.Name)]
public sealed class Jpeg2000DecodeTests(NativeCodecOracle oracle, ITestOutputHelper output)
{
    private const string Conformance = "dicom-conformance/";

    private const string Truncated = "966 truncated codestream";

    internal static readonly Dictionary<string, DecodeCase> Cases = new(StringComparer.Ordinal)
    {
        // 16-bit signed CT, codestream signed as well.
        ["CT1_J2KR signed 16-bit"] = new(Conformance + "nema-wg04-compression-samples/CT1_J2KR.dcm", "gdcm"),
        // 12-bit MR, irreversible 9/7.
        ["MR2_J2KI lossy 12-bit"] = new(Conformance + "nema-wg04-compression-samples/MR2_J2KI.dcm", "gdcm"),
        // Colour with RCT and with ICT: output is RGB.
        ["US1_J2KR YBR_RCT"] = new(Conformance + "nema-wg04-compression-samples/US1_J2KR.dcm", "gdcm"),
        ["US1_J2KI YBR_ICT"] = new(Conformance + "nema-wg04-compression-samples/US1_J2KI.dcm", "gdcm"),
        // JP2-wrapped codestreams.
        ["ELSCINT1 JP2 wrapper"] = new(Conformance + "pylibjpeg-data/ELSCINT1_JP2vsJ2K.dcm", "gdcm"),
        ["GDCMJ2K JP2 wrapper YBR_RCT"] = new(Conformance + "pylibjpeg-data/GDCMJ2K_TextGBR.dcm", "gdcm"),
        ["MAROTECH JP2 lossy"] = new(Conformance + "pylibjpeg-data/MAROTECH_CT_JP2Lossy.dcm", "gdcm"),
        // Codestream signedness or precision disagreeing with the DICOM header.
        ["pixelrep mismatch: unsigned 13-bit codestream, signed header"] = new(Conformance + "pylibjpeg-data/J2K_pixelrep_mismatch.dcm", "gdcm"),
        ["TOSHIBA unsigned codestream, signed header"] = new(Conformance + "pylibjpeg-data/TOSHIBA_J2K_SIZ0_PixRep1.dcm", "gdcm"),
        ["TOSHIBA signed codestream, unsigned header"] = new(Conformance + "pylibjpeg-data/TOSHIBA_J2K_SIZ1_PixRep0.dcm", "gdcm"),
        ["TOSHIBA OpenJPEG v2 regression"] = new(Conformance + "pylibjpeg-data/TOSHIBA_J2K_OpenJPEGv2Regression.dcm", "gdcm"),
        ["GH064 11-bit codestream, 12 bits stored"] = new(Conformance + "fo-dicom/GH064.dcm", "gdcm"),
        // HTJ2K, lossless (RCT) and lossy (ICT).
        ["HTJ2K lossless RGB"] = new(Conformance + "pydicom-data/HTJ2KLossless_08_RGB.dcm", "ojph"),
        ["HTJ2K lossy RGB, OpenJPH"] = new(Conformance + "pydicom-data/HTJ2K_08_RGB.dcm", "ojph", Tolerance: 1),
        ["HTJ2K lossy RGB, opj_decompress"] = new(Conformance + "pydicom-data/HTJ2K_08_RGB.dcm", "opj"),
        // Lossless files against their uncompressed twins.
        ["CTImage lossless = uncompressed CTImage"] = new(
            Conformance + "cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm",
            "reference", Reference: Conformance + "cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm"),
        ["US1_J2KR = US1_UNCR"] = new(
            Conformance + "nema-wg04-compression-samples/US1_J2KR.dcm",
            "reference", Reference: Conformance + "nema-wg04-compression-samples/US1_UNCR.dcm"),
        ["MR 9.dcm 16-bit codestream, 12 bits stored = 1.dcm"] = new(
            Conformance + "dcm_qa_ts-MR-9-transfer-syntaxes/9.dcm",
            "reference", Reference: Conformance + "dcm_qa_ts-MR-9-transfer-syntaxes/1.dcm"),
        ["emri_small multi-frame = emri_small"] = new(
            Conformance + "pydicom-data/emri_small_jpeg_2k_lossless.dcm",
            "reference", Frames: 3, Reference: Conformance + "pydicom-data/emri_small.dcm"),
        // The un-fixed upstream 966.dcm: its codestream ends inside the tile (opj_decompress fails on it too,
        // GDCM returns zeros).
        [Truncated] = new(Conformance + "pylibjpeg-data/966.dcm", "none"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Where(c => c.Value.Oracle != "none").Select(c => c.Key)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Decode_MatchesIndependentDecoderSampleForSample(string name)
    {
        var sample = oracle.Decode(nameof(Jpeg2000DecodeTests), name);
        var codec = new Jpeg2000Codec();
        foreach (var (frame, index) in sample.Frames.Select((f, i) => (f, i)))
        {
            var decoded = codec.Decode(frame.Encoded, sample.Syntax, sample.Info);
            var differing = PixelComparison.AssertWithin(frame.Expected, decoded.Data, sample.Info, Cases[name].Tolerance, $"{name}, frame {index}");
            if (differing > 0)
            {
                output.WriteLine($"{name}, frame {index}: {differing} samples differ, none by more than {Cases[name].Tolerance}");
            }

            var expectedPhotometric = sample.Info.SamplesPerPixel == 3 ? "RGB" : sample.Info.PhotometricInterpretation;
            Assert.Equal(expectedPhotometric, decoded.PhotometricInterpretation);
        }

        output.WriteLine($"{name}: {sample.Frames.Count} frame(s) of {sample.Info.Columns} x {sample.Info.Rows} match {Cases[name].Oracle}");
    }

    [Fact]
    public void Decode_TruncatedCodestream_ThrowsCodecExceptionWithOpenJpegsReason()
    {
        var sample = oracle.Decode(nameof(Jpeg2000DecodeTests), Truncated);
        var error = Assert.Throws<DicomCodecException>(
            () => new Jpeg2000Codec().Decode(sample.Frames[0].Encoded, sample.Syntax, sample.Info));
        Assert.Contains("OpenJPEG", error.Message, StringComparison.Ordinal);
        Assert.Contains("SOT", error.Message, StringComparison.Ordinal);
        output.WriteLine(error.Message);
    }
}
