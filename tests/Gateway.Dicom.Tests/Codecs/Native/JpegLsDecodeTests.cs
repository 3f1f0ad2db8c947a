using Gateway.Dicom.Codecs;

namespace Gateway.Dicom.Tests.Codecs.Native;

/// <summary>
/// JpegLsCodec.Decode against DCMTK's dcmdjpls (its own CharLS 1.x fork, independent of the CharLS 2 library
/// under test) and against the uncompressed twins of lossless files.
/// </summary>
[Collection(NativeCodecCollection.Name)]
public sealed class JpegLsDecodeTests(NativeCodecOracle oracle, ITestOutputHelper output)
{
    private const string Conformance = "dicom-conformance/";

    internal static readonly Dictionary<string, DecodeCase> Cases = new(StringComparer.Ordinal)
    {
        ["CT1_JLSN near-lossless signed 16-bit"] = new(Conformance + "nema-wg04-compression-samples/CT1_JLSN.dcm", "dcmdjpls"),
        ["JLSL 15 bits stored, signed"] = new(Conformance + "pydicom-data/JLSL_16_15_1_1F.dcm", "dcmdjpls"),
        ["RGB interleave none (ILV 0)"] = new(Conformance + "pydicom-data/JLSL_RGB_ILV0.dcm", "dcmdjpls"),
        ["RGB interleave line (ILV 1)"] = new(Conformance + "pydicom-data/JLSL_RGB_ILV1.dcm", "dcmdjpls"),
        ["RGB interleave sample (ILV 2)"] = new(Conformance + "pydicom-data/JLSL_RGB_ILV2.dcm", "dcmdjpls"),
        ["RGB near-lossless ILV 0"] = new(Conformance + "pydicom-data/JLSN_RGB_ILV0.dcm", "dcmdjpls"),
        ["GH364 8-bit grey"] = new(Conformance + "fo-dicom/GH364.dcm", "dcmdjpls"),
        ["CTImage near-lossless"] = new(
            Conformance + "cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_JPEGLSLossyTransferSyntax_1.2.840.10008.1.2.4.81.dcm", "dcmdjpls"),
        ["CTImage lossless = uncompressed CTImage"] = new(
            Conformance + "cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm",
            "reference", Reference: Conformance + "cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm"),
        ["MR 7.dcm = 1.dcm"] = new(
            Conformance + "dcm_qa_ts-MR-9-transfer-syntaxes/7.dcm",
            "reference", Reference: Conformance + "dcm_qa_ts-MR-9-transfer-syntaxes/1.dcm"),
        ["emri_small multi-frame = emri_small"] = new(
            Conformance + "pydicom-data/emri_small_jpeg_ls_lossless.dcm",
            "reference", Frames: 3, Reference: Conformance + "pydicom-data/emri_small.dcm"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Decode_MatchesIndependentDecoderSampleForSample(string name)
    {
        var sample = oracle.Decode(nameof(JpegLsDecodeTests), name);
        var codec = new JpegLsCodec();
        foreach (var (frame, index) in sample.Frames.Select((f, i) => (f, i)))
        {
            var decoded = codec.Decode(frame.Encoded, sample.Syntax, sample.Info);
            PixelComparison.AssertIdentical(frame.Expected, decoded.Data, sample.Info, $"{name}, frame {index}");
            Assert.Equal(sample.Info.PhotometricInterpretation, decoded.PhotometricInterpretation);
        }

        output.WriteLine($"{name}: {sample.Frames.Count} frame(s) of {sample.Info.Columns} x {sample.Info.Rows} identical to {Cases[name].Oracle}");
    }
}
