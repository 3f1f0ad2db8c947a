using System.Net.Http.Headers;
using Microsoft.AspNetCore.WebUtilities;

namespace Gateway.Server.Tests.DicomWeb.Retrieve;

/// <summary>One part of a multipart/related response.</summary>
internal sealed record ResponsePart(string ContentType, byte[] Body);

/// <summary>GETs a DICOMweb resource and reads a multipart/related answer with ASP.NET Core's own multipart reader.</summary>
internal static class MultipartResponse
{
    public static async Task<HttpResponseMessage> GetAsync(HttpClient http, string path, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.RelativeOrAbsolute));
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The parts of a 200 multipart/related response; fails the test on any other answer.</summary>
    public static async Task<(string ContentType, List<ResponsePart> Parts)> GetPartsAsync(HttpClient http, string path, string? accept)
    {
        using var response = await GetAsync(http, path, accept);
        var text = response.IsSuccessStatusCode ? string.Empty : await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"GET {path} (Accept: {accept}) answered {(int)response.StatusCode}: {text}");
        var contentType = response.Content.Headers.ContentType!.ToString();
        return (contentType, await ReadPartsAsync(response.Content.Headers.ContentType!, await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken)));
    }

    public static async Task<List<ResponsePart>> ReadPartsAsync(MediaTypeHeaderValue contentType, Stream body)
    {
        Assert.Equal("multipart/related", contentType.MediaType);
        var boundary = Microsoft.Net.Http.Headers.HeaderUtilities.RemoveQuotes(contentType.Parameters.First(p => p.Name == "boundary").Value).Value!;
        var reader = new MultipartReader(boundary, body) { BodyLengthLimit = null };
        var parts = new List<ResponsePart>();
        while (await reader.ReadNextSectionAsync(TestContext.Current.CancellationToken) is { } section)
        {
            using var content = new MemoryStream();
            await section.Body.CopyToAsync(content, TestContext.Current.CancellationToken);
            parts.Add(new ResponsePart(section.ContentType ?? string.Empty, content.ToArray()));
        }

        return parts;
    }

    /// <summary>Writes bytes to a temporary file (for the oracle) and returns its path.</summary>
    public static string Save(byte[] bytes, string extension = ".dcm")
    {
        var path = Path.Combine(Path.GetTempPath(), "retrieve-" + Guid.NewGuid().ToString("N") + extension);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
