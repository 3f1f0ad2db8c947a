namespace Gateway.Server.Tests.Interop;

/// <summary>The real images the interoperability tests send (from ../shared/data; the tests skip without it).</summary>
internal static class InteropFiles
{
    public const string MrSeriesFolder = "volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon";

    public const string JpegLsCt =
        "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm";

    /// <summary><paramref name="count"/> consecutive slices from the middle of the MR T1 series (256 x 256, Explicit VR LE).</summary>
    public static IReadOnlyList<string> MrSlices(int count)
    {
        var files = Directory.GetFiles(TestData.RequireSharedData(MrSeriesFolder), "*.dcm").Order(StringComparer.Ordinal).ToList();
        var first = (files.Count - count) / 2;
        return files.GetRange(first, count);
    }

    /// <summary>A 512 x 512 CT slice stored as JPEG-LS lossless (1.2.840.10008.1.2.4.80).</summary>
    public static string JpegLsCtFile() => TestData.RequireSharedData(JpegLsCt);
}
