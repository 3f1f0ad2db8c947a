using Gateway.Dicom.Codecs;

namespace Gateway.Dicom.Tests.Codecs.Native;

/// <summary>
/// JpegBaselineCodec.Decode against DCMTK's dcmdjpeg (IJG 6b code built into DCMTK, independent of libjpeg-turbo)
/// run with +cg: colour is converted to RGB exactly when libjpeg's colour-space guess says YCbCr, the rule this
/// codec follows. (GDCM 3.0.21 and dcmdjpeg's default instead trust the DICOM header: they leave YBR_FULL_422
/// pixels in YCbCr and pass a JFIF/YCbCr stream labelled RGB through unconverted, which is wrong for
/// fo-dicom/GH195.dcm.)
/// </summary>
[Collection(NativeCodecCollection.Name)]
public sealed class JpegBaselineDecodeTests(NativeCodecOracle oracle, ITestOutputHelper output)
{
    private const string Conformance = "dicom-conformance/";
    private const string TwelveBit = "CTImage 12-bit extended";

    internal static readonly Dictionary<string, DecodeCase> Cases = new(StringComparer.Ordinal)
    {
        ["CTImage baseline grey"] = new(
            Conformance + "cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50.dcm", "dcmdjpeg"),
        ["SIIM chest grey, no JFIF marker"] = new("xray/dicom/torchxrayvision__SIIM_NIH_CR_chest.dcm", "dcmdjpeg"),
        ["US multi-frame YBR_FULL_422, no JFIF marker"] = new(Conformance + "fo-dicom/DIRW0007_US_multiframe.dcm", "dcmdjpeg", Frames: 2),
        ["JPEGwithIcon YBR_FULL_422"] = new(Conformance + "fo-dicom/JPEGwithIcon.dcm", "dcmdjpeg"),
        ["DCMTK-encoded YBR_FULL_422"] = new(Conformance + "pylibjpeg-data/SC_rgb_dcmtk_+eb+cy+np.dcm", "dcmdjpeg"),
        ["extended 8-bit YBR_FULL 4:4:4"] = new(Conformance + "pylibjpeg-data/JPEGExtended_3s_1f_u_08_08.dcm", "dcmdjpeg"),
        ["GH195 header RGB over JFIF YCbCr 4:2:0"] = new(Conformance + "fo-dicom/GH195.dcm", "dcmdjpeg"),
        // DCMTK's RGB JPEG (dcmcjpeg +cr): Adobe APP14 with transform 0 and component ids 'R','G','B', no colour transform.
        ["RGB JPEG with Adobe transform 0 (dcmcjpeg +cr)"] = new(
            Conformance + "nema-wg04-compression-samples/US1_UNCR.dcm", "dcmdjpeg", Convert: ["dcmcjpeg", "+eb", "+cr"]),
        [TwelveBit] = new(
            Conformance + "cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51.dcm", "none"),
        ["multiframe.dcm YBR_FULL_422 (GDCM 3.0.21 fails on it)"] = new(Conformance + "fo-dicom/multiframe.dcm", "dcmdjpeg", Frames: 2),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Where(c => c.Value.Oracle != "none").Select(c => c.Key)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Decode_MatchesIjgDecoderSampleForSample(string name)
    {
        var sample = oracle.Decode(nameof(JpegBaselineDecodeTests), name);
        var codec = new JpegBaselineCodec();
        foreach (var (frame, index) in sample.Frames.Select((f, i) => (f, i)))
        {
            var decoded = codec.Decode(frame.Encoded, sample.Syntax, sample.Info);
            PixelComparison.AssertIdentical(frame.Expected, decoded.Data, sample.Info, $"{name}, frame {index}");
            var expectedPhotometric = sample.Info.SamplesPerPixel == 3 ? "RGB" : sample.Info.PhotometricInterpretation;
            Assert.Equal(expectedPhotometric, decoded.PhotometricInterpretation);
        }

        output.WriteLine($"{name}: {sample.Frames.Count} frame(s) of {sample.Info.Columns} x {sample.Info.Rows} identical to dcmdjpeg +cg");
    }

    [Fact]
    public void Decode_TwelveBitJpeg_ThrowsCodecExceptionSayingLibjpegTurboCannot()
    {
        var sample = oracle.Decode(nameof(JpegBaselineDecodeTests), TwelveBit);
        var error = Assert.Throws<DicomCodecException>(
            () => new JpegBaselineCodec().Decode(sample.Frames[0].Encoded, sample.Syntax, sample.Info));
        Assert.Contains("12-bit", error.Message, StringComparison.Ordinal);
        Assert.Contains("libjpeg-turbo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_FrameInfoOfAnotherSize_ThrowsCodecExceptionNamingBothSizes()
    {
        var sample = oracle.Decode(nameof(JpegBaselineDecodeTests), "CTImage baseline grey");
        var wrong = sample.Info with { Rows = 256, Columns = 256 };
        var error = Assert.Throws<DicomCodecException>(
            () => new JpegBaselineCodec().Decode(sample.Frames[0].Encoded, sample.Syntax, wrong));
        Assert.Contains("512 x 512", error.Message, StringComparison.Ordinal);
        Assert.Contains("256 x 256", error.Message, StringComparison.Ordinal);
    }
}
