using System.Net;
using System.Text.Json;

namespace Gateway.Server.Tests.DicomWeb.Qido;

/// <summary>Reads QIDO-RS answers of the gateway as plain JSON (no DICOM library of ours involved).</summary>
internal static class QidoClient
{
    public const string StudyUid = "0020000D";
    public const string SeriesUid = "0020000E";
    public const string SopUid = "00080018";

    public static async Task<List<JsonElement>> SearchAsync(HttpClient http, string relativeUrl)
    {
        using var response = await http.GetAsync(new Uri(relativeUrl, UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{relativeUrl} answered {(int)response.StatusCode}: {body}");
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.EnumerateArray().Select(element => element.Clone()).ToList();
    }

    public static async Task<HashSet<string>> SearchValuesAsync(HttpClient http, string relativeUrl, string tag) =>
        (await SearchAsync(http, relativeUrl)).Select(match => Value(match, tag)!).ToHashSet();

    /// <summary>The first value of an attribute of a match, as text; null when it has none.</summary>
    public static string? Value(JsonElement match, string tag)
    {
        if (!match.TryGetProperty(tag, out var attribute) || !attribute.TryGetProperty("Value", out var values) || values.GetArrayLength() == 0)
        {
            return null;
        }

        var first = values[0];
        return first.ValueKind switch
        {
            JsonValueKind.String => first.GetString(),
            JsonValueKind.Number => first.GetRawText(),
            JsonValueKind.Object when first.TryGetProperty("Alphabetic", out var alphabetic) => alphabetic.GetString(),
            _ => first.GetRawText(),
        };
    }

    public static List<string> Values(JsonElement match, string tag) =>
        match.TryGetProperty(tag, out var attribute) && attribute.TryGetProperty("Value", out var values)
            ? values.EnumerateArray().Select(value => value.GetString()!).ToList()
            : [];
}
