using System.Text.Json;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>
/// Makes the BulkDataURIs of a stored header absolute. Ingest writes them relative to the instance's WADO-RS URL
/// ("bulkdata/7FE00010", "bulkdata/00081140/0/00081155"; see IngestService); the header comes back from PostgreSQL
/// re-serialised (jsonb), so it is rewritten as JSON, not as text.
/// </summary>
internal static class BulkDataUris
{
    private const string Relative = "bulkdata/";

    public static void WriteAbsolute(Utf8JsonWriter writer, string headerJson, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(headerJson);
        if (!headerJson.Contains(Relative, StringComparison.Ordinal))
        {
            writer.WriteRawValue(headerJson, skipInputValidation: true);
            return;
        }

        using var document = JsonDocument.Parse(headerJson);
        var root = document.RootElement;
        var instanceUrl = DicomWebBaseUrl.Instance(baseUrl, Uid(root, "0020000D"), Uid(root, "0020000E"), Uid(root, "00080018"));
        Write(writer, root, instanceUrl + "/");
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element, string instanceUrl)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    if (property.NameEquals("BulkDataURI") && property.Value.ValueKind == JsonValueKind.String
                        && property.Value.GetString() is { } uri && uri.StartsWith(Relative, StringComparison.Ordinal))
                    {
                        writer.WriteStringValue(instanceUrl + uri);
                    }
                    else
                    {
                        Write(writer, property.Value, instanceUrl);
                    }
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, instanceUrl);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static string Uid(JsonElement root, string tag) =>
        root.TryGetProperty(tag, out var element) && element.TryGetProperty("Value", out var value)
            && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0 && value[0].GetString() is { } uid
            ? uid
            : throw new InvalidOperationException($"A stored header lacks {tag}.");
}
