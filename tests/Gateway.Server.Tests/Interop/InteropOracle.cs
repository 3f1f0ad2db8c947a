using System.Text.Json;

namespace Gateway.Server.Tests.Interop;

/// <summary>What pydicom (and PIL) say about files: the expectations of the interoperability tests (interop_oracle.py).</summary>
internal static class InteropOracle
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    private static string Script => Path.Combine(TestData.RepositoryRoot, "tests", "Gateway.Server.Tests", "Interop", "interop_oracle.py");

    /// <summary>Identifiers, sizes and pixel digests of each file, keyed by the path given.</summary>
    public static IReadOnlyDictionary<string, FileFacts> Describe(IEnumerable<string> files) =>
        JsonSerializer.Deserialize<Dictionary<string, FileFacts>>(Run(["describe", .. files]), Options)!;

    /// <summary>The sha256 of each file's decoded pixel values, keyed by the path given.</summary>
    public static IReadOnlyDictionary<string, string> PixelSha256(IEnumerable<string> files) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(Run(["pixels", .. files]), Options)!;

    /// <summary>Format, size and the spread of grey values of an image file (in a box left, top, right, bottom when given).</summary>
    public static ImageFacts Image(string file, (int Left, int Top, int Right, int Bottom)? box = null)
    {
        string[] arguments = box is { } b
            ? ["image", file, .. new[] { b.Left, b.Top, b.Right, b.Bottom }.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))]
            : ["image", file];
        return JsonSerializer.Deserialize<ImageFacts>(Run(arguments), Options)!;
    }

    private static string Run(IEnumerable<string> arguments) =>
        ExternalTool.RunChecked(ExternalTool.DebianPython, [Script, .. arguments], "python3-pydicom python3-gdcm python3-pil");
}

/// <summary>pydicom's reading of one file.</summary>
internal sealed record FileFacts(
    string? PatientID,
    string? PatientName,
    string? StudyDate,
    string? AccessionNumber,
    string? StudyDescription,
    string? Modality,
    string StudyInstanceUID,
    string SeriesInstanceUID,
    string SOPInstanceUID,
    string? SOPClassUID,
    string? InstanceNumber,
    string Rows,
    string Columns,
    string TransferSyntaxUID,
    int NumberOfFrames,
    string PixelSha256,
    IReadOnlyList<string> FrameSha256,
    IReadOnlyList<string> FrameSha256Unpadded,
    int PixelDataLength);

/// <summary>PIL's reading of an image file.</summary>
internal sealed record ImageFacts(string Format, int Width, int Height, double StdDev, double BrightFraction);
