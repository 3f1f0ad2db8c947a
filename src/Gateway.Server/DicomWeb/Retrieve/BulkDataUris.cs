using System.Text.Json;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>
/// Makes the BulkDataURIs of a stored header absolute. Ingest writes them relative to the instance's WADO-RS URL
/// ("bulkdata/7FE00010", "bulkdata/00081140/0/00081155"; see IngestService) with the compact JSON writer, where the
/// text <c>"BulkDataURI":"</c> can only be a property name (quotes inside string values are escaped).
/// </summary>
internal static class BulkDataUris
{
    private const string Relative = "\"BulkDataURI\":\"bulkdata/";

    public static string MakeAbsolute(string headerJson, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(headerJson);
        if (!headerJson.Contains(Relative, StringComparison.Ordinal))
        {
            return headerJson;
        }

        using var document = JsonDocument.Parse(headerJson);
        var root = document.RootElement;
        var instanceUrl = DicomWebBaseUrl.Instance(baseUrl, Uid(root, "0020000D"), Uid(root, "0020000E"), Uid(root, "00080018"));
        return headerJson.Replace(Relative, "\"BulkDataURI\":\"" + instanceUrl + "/bulkdata/", StringComparison.Ordinal);
    }

    private static string Uid(JsonElement root, string tag) =>
        root.TryGetProperty(tag, out var element) && element.TryGetProperty("Value", out var value)
            && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0 && value[0].GetString() is { } uid
            ? uid
            : throw new InvalidOperationException($"A stored header lacks {tag}.");
}
