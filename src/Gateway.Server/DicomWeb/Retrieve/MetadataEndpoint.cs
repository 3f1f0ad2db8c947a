using System.Text;
using Gateway.Core.Archive;
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
    public static async Task<IResult> HandleAsync(RetrieveScope scope, HttpContext http, ArchiveInstances archive, IOptions<GatewayOptions> options)
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
        var body = new StringBuilder(headers.Sum(header => header.Length) + headers.Count + 2);
        body.Append('[');
        for (var i = 0; i < headers.Count; i++)
        {
            body.Append(i == 0 ? string.Empty : ",").Append(BulkDataUris.MakeAbsolute(headers[i], baseUrl));
        }

        body.Append(']');
        var mediaType = accepted.Admits(DicomMediaTypes.DicomJson) ? DicomMediaTypes.DicomJson : DicomMediaTypes.Json;
        return Results.Text(body.ToString(), mediaType, Encoding.UTF8);
    }
}
