using Gateway.Core.Query;
using Gateway.Dicom;
using Gateway.Dicom.Json;
using Gateway.Dicom.Query;
using Gateway.Server.Audit.Http;
using Gateway.Server.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Gateway.Server.DicomWeb.Qido;

/// <summary>
/// QIDO-RS (PS3.18 10.6) under /dicomweb: searches for studies, series and instances, answered as DICOM JSON
/// (application/dicom+json, or application/json when that is what the client accepts). No match is 200 with an
/// empty array (CP-2473); a request that cannot be run is 400 with a plain-text reason. A response holds at most
/// <see cref="GatewayOptions.QidoMaxResults"/> matches and is written as it is serialized.
/// </summary>
public static class QidoEndpoints
{
    private const string DicomJson = "application/dicom+json";

    /// <summary>The Warning of a response cut to <see cref="GatewayOptions.QidoMaxResults"/>, worded as PS3.18 words it.</summary>
    internal const string TruncatedWarning = "299 gateway: \"The number of results exceeded the maximum supported by the server. Additional results can be requested.\"";

    public static IEndpointRouteBuilder MapQido(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var root = endpoints.MapGroup("/dicomweb");
        root.MapGet("/studies", (HttpContext context, CancellationToken cancellationToken) =>
            SearchAsync(context, DicomQueryLevel.Study, null, null, cancellationToken));
        root.MapGet("/series", (HttpContext context, CancellationToken cancellationToken) =>
            SearchAsync(context, DicomQueryLevel.Series, null, null, cancellationToken));
        root.MapGet("/instances", (HttpContext context, CancellationToken cancellationToken) =>
            SearchAsync(context, DicomQueryLevel.Image, null, null, cancellationToken));
        root.MapGet("/studies/{study}/series", (HttpContext context, string study, CancellationToken cancellationToken) =>
            SearchAsync(context, DicomQueryLevel.Series, study, null, cancellationToken));
        root.MapGet("/studies/{study}/instances", (HttpContext context, string study, CancellationToken cancellationToken) =>
            SearchAsync(context, DicomQueryLevel.Image, study, null, cancellationToken));
        root.MapGet("/studies/{study}/series/{series}/instances", (HttpContext context, string study, string series, CancellationToken cancellationToken) =>
            SearchAsync(context, DicomQueryLevel.Image, study, series, cancellationToken));
        return endpoints;
    }

    private static async Task<IResult> SearchAsync(HttpContext context, DicomQueryLevel level, string? study, string? series, CancellationToken cancellationToken)
    {
        // The audit names the level and the parameters' names, never their values (a patient's name may be one).
        context.Audit().Detail = $"level {level}; keys {string.Join(',', context.Request.Query.Keys.Order(StringComparer.Ordinal))}";
        var mediaType = ResponseMediaType(context.Request.Headers.Accept);
        if (mediaType is null)
        {
            return Results.Text($"QIDO-RS answers {DicomJson} or application/json; the Accept header allows neither.\n", statusCode: StatusCodes.Status406NotAcceptable);
        }

        QidoRequest request;
        DicomQueryMatcher matcher;
        try
        {
            request = QidoRequest.Parse(level, context.Request.Query.Select(pair => KeyValuePair.Create(pair.Key, (IReadOnlyList<string>)pair.Value.Select(value => value ?? string.Empty).ToList())), study, series);
            matcher = new DicomQueryMatcher(request.Identifier);
        }
        catch (Exception exception) when (exception is QidoRequestException or DicomQueryException)
        {
            return Results.Text(exception.Message + "\n", statusCode: StatusCodes.Status400BadRequest);
        }

        // The server's maximum applies to a search without a limit and caps a larger one; one match more than the
        // maximum is asked for to know whether the response is truncated (PS3.18 8.3.4.4).
        var maxResults = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.QidoMaxResults;
        var capped = request.Limit is not { } limit || limit > maxResults;
        var service = context.RequestServices.GetRequiredService<ArchiveQueryService>();
        IReadOnlyList<DicomDataset> records;
        try
        {
            records = await service.FindAsync(level, matcher, request.Offset, capped ? maxResults + 1 : request.Limit, cancellationToken);
        }
        catch (DicomQueryException exception)
        {
            return Results.Text(exception.Message + "\n", statusCode: StatusCodes.Status400BadRequest);
        }

        if (request.FuzzyMatching)
        {
            context.Response.Headers.Append("Warning", "299 gateway: The fuzzymatching parameter is not supported. Only literal matching has been performed.");
        }

        if (capped && records.Count > maxResults)
        {
            records = records.Take(maxResults).ToList();
            context.Response.Headers.Append("Warning", TruncatedWarning);
        }

        var baseUrl = DicomWebBaseUrl(context);
        var returned = QidoAttributes.Defaults(level, study is not null, series is not null);
        returned.UnionWith(request.IncludeFields);
        returned.UnionWith(request.Identifier.Select(element => element.Tag).Where(tag => tag != DicomTags.SpecificCharacterSet));
        var results = records.Select(record => Project(record, level, returned, request.IncludeAll, baseUrl)).ToAsyncEnumerable();
        return Results.Stream(body => DicomJsonWriter.WriteArrayAsync(body, results, cancellationToken: cancellationToken), mediaType);
    }

    /// <summary>The attributes of one match to return, with its RetrieveURL.</summary>
    private static DicomDataset Project(DicomDataset record, DicomQueryLevel level, HashSet<DicomTag> returned, bool all, string baseUrl)
    {
        var result = new DicomDataset(record.Where(element => all || returned.Contains(element.Tag)));
        result.SetString(DicomTags.InstanceAvailability, DicomVR.CS, "ONLINE");
        var url = baseUrl + "/studies/" + record.GetString(DicomTags.StudyInstanceUID);
        if (level >= DicomQueryLevel.Series)
        {
            url += "/series/" + record.GetString(DicomTags.SeriesInstanceUID);
        }

        if (level == DicomQueryLevel.Image)
        {
            url += "/instances/" + record.GetString(DicomTags.SOPInstanceUID);
        }

        result.SetString(DicomTags.RetrieveURL, DicomVR.UR, url);
        return result;
    }

    /// <summary>The DICOMweb root as clients reach it (the configured public base URL, a trusted proxy's forwarded one, else the address reached).</summary>
    private static string DicomWebBaseUrl(HttpContext context) =>
        Retrieve.DicomWebBaseUrl.Of(context.Request, context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value);

    /// <summary>The media type to answer with, or null when Accept allows no JSON.</summary>
    private static string? ResponseMediaType(StringValues accept)
    {
        var ranges = accept.SelectMany(value => (value ?? string.Empty).Split(',')).Select(range => range.Split(';')[0].Trim().ToLowerInvariant()).Where(range => range.Length > 0).ToList();
        if (ranges.Count == 0 || ranges.Exists(range => range is DicomJson or "*/*" or "application/*"))
        {
            return DicomJson;
        }

        return ranges.Contains("application/json") ? "application/json" : null;
    }
}
