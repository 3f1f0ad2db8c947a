using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.Core.Archive;
using Gateway.Core.Retrieve;
using Gateway.Server.DicomWeb.Http;
using Gateway.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>
/// WADO-RS metadata of a study, series or instance (PS3.18 10.4.1.1.2): a DICOM JSON array of the headers stored in
/// PostgreSQL at ingest, with absolute BulkDataURIs; no object is read.
/// </summary>
internal static class MetadataEndpoint
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<IResult> HandleAsync(RetrieveScope scope, HttpContext http, RetrieveService archive, IOptions<GatewayOptions> options)
    {
        var requested = RequestedRepresentation.FromRequest(http.Request);
        var accepted = requested.FirstOrDefault(representation =>
            representation.Admits(DicomMediaTypes.DicomJson) || representation.Admits(DicomMediaTypes.Json));
        if (accepted is null)
        {
            return DicomWebResults.NotAcceptable("Metadata is served as application/dicom+json only.");
        }

        var headers = await archive.ReadHeadersAsync(scope, http.RequestAborted).ConfigureAwait(false);
        if (headers.Count == 0)
        {
            return DicomWebResults.NotFound(RetrieveMessages.NothingAt(scope));
        }

        var baseUrl = DicomWebBaseUrl.Of(http.Request, options.Value);
        var mediaType = accepted.Admits(DicomMediaTypes.DicomJson) ? DicomMediaTypes.DicomJson : DicomMediaTypes.Json;
        return Results.Stream(
            async body =>
            {
                await using var writer = new Utf8JsonWriter(body, WriterOptions);
                writer.WriteStartArray();
                foreach (var header in headers)
                {
                    BulkDataUris.WriteAbsolute(writer, header, baseUrl);
                    if (writer.BytesPending > 1 << 16)
                    {
                        await writer.FlushAsync(http.RequestAborted).ConfigureAwait(false);
                    }
                }

                writer.WriteEndArray();
                await writer.FlushAsync(http.RequestAborted).ConfigureAwait(false);
            },
            mediaType);
    }
}
