using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Dicom.Tests.Text;

/// <summary>
/// tests/oracle/charset_oracle.py run with Debian's /usr/bin/python3 and python3-pydicom: pydicom's reading of the
/// character-set-dependent elements of real files, of chosen byte strings, and of every code of each character set.
/// </summary>
internal static class PydicomCharsetOracle
{
    private const string Python = "/usr/bin/python3";
    private const string AptPackages = "python3 python3-pydicom";

    private static readonly Lazy<IReadOnlyList<OracleElement>> ConformanceElements = new(() =>
        Run<ElementsDocument>(["elements", .. Directory.GetFiles(CharsetFiles.Folder, "*.dcm").Order(StringComparer.Ordinal)]).Elements);

    private static readonly Lazy<TablesDocument> CodeTables = new(() => Run<TablesDocument>(["tables"]));

    private static string Script => Path.Combine(TestData.RepositoryRoot, "tests", "oracle", "charset_oracle.py");

    /// <summary>The elements of every file in the charset folder (run once per test run).</summary>
    public static IReadOnlyList<OracleElement> Elements => ConformanceElements.Value;

    public static TablesDocument Tables => CodeTables.Value;

    /// <summary>pydicom's values for each byte string, read as an element of the VR under the terms.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Decode(IReadOnlyList<(string[] Terms, string VR, byte[] Bytes)> requests)
    {
        var input = JsonSerializer.Serialize(requests.Select(r => new DecodeRequest(r.Terms, r.VR, Convert.ToHexStringLower(r.Bytes))));
        return Run<DecodeDocument>(["decode"], input).Values;
    }

    private static T Run<T>(string[] arguments, string? standardInput = null)
    {
        var output = ExternalTool.RunChecked(Python, [Script, .. arguments], AptPackages, standardInput);
        return JsonSerializer.Deserialize<T>(output) ?? throw new InvalidOperationException("charset_oracle.py printed no JSON.");
    }

    private sealed record DecodeRequest(
        [property: JsonPropertyName("terms")] string[] Terms,
        [property: JsonPropertyName("vr")] string VR,
        [property: JsonPropertyName("hex")] string Hex);

    private sealed record ElementsDocument([property: JsonPropertyName("elements")] IReadOnlyList<OracleElement> Elements);

    private sealed record DecodeDocument([property: JsonPropertyName("values")] IReadOnlyList<IReadOnlyList<string>> Values);
}

/// <summary>One character-set-dependent element as pydicom read it.</summary>
internal sealed record OracleElement(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("vr")] string VR,
    [property: JsonPropertyName("terms")] string[] Terms,
    [property: JsonPropertyName("hex")] string Hex,
    [property: JsonPropertyName("values")] IReadOnlyList<string> Values)
{
    public string FileName => System.IO.Path.GetFileName(File);

    public byte[] Bytes => Convert.FromHexString(Hex);

    public override string ToString() => $"{FileName} {Path} {VR} [{string.Join('\\', Terms)}] {Hex}";
}

/// <summary>pydicom's (Python's codecs') character for each code of each defined term, keyed by hex code.</summary>
internal sealed record TablesDocument(
    [property: JsonPropertyName("single_byte")] IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> SingleByte,
    [property: JsonPropertyName("multi_byte")] IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> MultiByte);
