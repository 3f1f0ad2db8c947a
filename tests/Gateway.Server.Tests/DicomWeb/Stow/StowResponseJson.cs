using System.Text.Json;

namespace Gateway.Server.Tests.DicomWeb.Stow;

/// <summary>
/// Reads a Store Instances response as plain JSON (PS3.18 F.2: tags as 8 hex digits, "vr", "Value"), without the
/// gateway's DICOM JSON reader, so the check does not depend on our own serializer.
/// </summary>
internal sealed class StowResponseJson
{
    private StowResponseJson(JsonElement root) => Root = root;

    public JsonElement Root { get; }

    public static async Task<StowResponseJson> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return new StowResponseJson(document.RootElement.Clone());
    }

    /// <summary>Items of Referenced SOP Sequence (0008,1199): SOP Instance UID and Retrieve URL.</summary>
    public IReadOnlyList<(string? SopInstanceUid, string? RetrieveUrl)> Referenced =>
        Items("00081199").Select(item => (Text(item, "00081155"), Text(item, "00081190"))).ToList();

    /// <summary>Items of Failed SOP Sequence (0008,1198): SOP Instance UID (if known) and Failure Reason.</summary>
    public IReadOnlyList<(string? SopInstanceUid, int FailureReason)> Failed =>
        Items("00081198").Select(item => (Text(item, "00081155"), item.GetProperty("00081197").GetProperty("Value")[0].GetInt32())).ToList();

    public string? RetrieveUrl => Text(Root, "00081190");

    private List<JsonElement> Items(string tag) =>
        Root.TryGetProperty(tag, out var sequence) && sequence.TryGetProperty("Value", out var items) ? [.. items.EnumerateArray()] : [];

    private static string? Text(JsonElement element, string tag) =>
        element.TryGetProperty(tag, out var attribute) && attribute.TryGetProperty("Value", out var value) ? value[0].GetString() : null;
}
