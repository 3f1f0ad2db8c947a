using System.Globalization;
using System.Text.Json.Nodes;

namespace Gateway.Server.Tests.Interop;

/// <summary>Reads values out of DICOM JSON (PS3.18 F.2) answers as the peers received them.</summary>
internal static class DicomJsonValues
{
    /// <summary>The first value of <paramref name="tag"/> (8 hex digits) as text: strings, numbers, a PN's Alphabetic group; null when absent or empty.</summary>
    public static string? First(JsonNode? dataset, string tag)
    {
        var value = dataset?[tag]?["Value"]?.AsArray().FirstOrDefault();
        return value switch
        {
            null => null,
            JsonObject name => name["Alphabetic"]?.GetValue<string>(),
            JsonValue number when number.TryGetValue<double>(out var d) => d.ToString(CultureInfo.InvariantCulture),
            _ => value.GetValue<string>(),
        };
    }

    /// <summary>Every value of <paramref name="tag"/> as text.</summary>
    public static IReadOnlyList<string> All(JsonNode? dataset, string tag) =>
        dataset?[tag]?["Value"]?.AsArray().Select(v => v is JsonObject name ? name["Alphabetic"]!.GetValue<string>() : v!.ToString()).ToList() ?? [];

    /// <summary>The first value of <paramref name="tag"/> in each data set of a JSON array answer.</summary>
    public static IReadOnlyList<string?> Column(JsonNode? answer, string tag) => answer!.AsArray().Select(item => First(item, tag)).ToList();
}
