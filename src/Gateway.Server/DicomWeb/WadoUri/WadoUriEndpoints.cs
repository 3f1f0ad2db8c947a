using System.Globalization;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Gateway.Server.DicomWeb.Http;
using Gateway.Server.DicomWeb.Retrieve;
using Gateway.Server.DicomWeb.Retrieve.Rendering;
using Gateway.Core.Retrieve;

namespace Gateway.Server.DicomWeb.WadoUri;

/// <summary>
/// WADO-URI (PS3.18 9): <c>GET /dicomweb/wado</c> and <c>/wado</c> with requestType=WADO, studyUID, seriesUID,
/// objectUID; contentType application/dicom (with transferSyntax, default Explicit VR Little Endian), image/jpeg (the
/// default for images) or image/png (with frameNumber, windowCenter/windowWidth, rows/columns, imageQuality).
/// 400 for missing or malformed parameters, 404 for unknown objects, 406 for content types that cannot be served.
/// </summary>
public static class WadoUriEndpoints
{
    public static IEndpointRouteBuilder MapWadoUri(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/dicomweb/wado", (HttpContext http, RetrieveService archive) => HandleAsync(http, archive));
        endpoints.MapGet("/wado", (HttpContext http, RetrieveService archive) => HandleAsync(http, archive));
        return endpoints;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, RetrieveService archive)
    {
        var query = http.Request.Query;
        var cancellationToken = http.RequestAborted;
        if (!string.Equals(query["requestType"].ToString(), "WADO", StringComparison.Ordinal))
        {
            return DicomWebResults.BadRequest("requestType must be WADO.");
        }

        var study = query["studyUID"].ToString();
        var series = query["seriesUID"].ToString();
        var objectUid = query["objectUID"].ToString();
        if (study.Length == 0 || series.Length == 0 || objectUid.Length == 0)
        {
            return DicomWebResults.BadRequest("studyUID, seriesUID and objectUID are required.");
        }

        var instance = await archive.FindAsync(study, series, objectUid, cancellationToken).ConfigureAwait(false);
        if (instance is null)
        {
            return DicomWebResults.NotFound($"No object {objectUid} in series {series} of study {study}.");
        }

        var contentTypes = query["contentType"].ToString();
        var requested = contentTypes.Length == 0
            ? [new RequestedRepresentation(instance.Rows is null ? DicomMediaTypes.Dicom : DicomMediaTypes.Jpeg, null)]
            : RequestedRepresentation.FromRanges(AcceptHeader.Parse([contentTypes]));
        foreach (var representation in requested)
        {
            if (representation.MediaType == DicomMediaTypes.Dicom)
            {
                return await DicomObjectAsync(instance, query["transferSyntax"].ToString(), archive, cancellationToken).ConfigureAwait(false);
            }

            if (representation.MediaType is DicomMediaTypes.Jpeg or DicomMediaTypes.Png or "*/*" or "image/*")
            {
                var mediaType = representation.MediaType == DicomMediaTypes.Png ? DicomMediaTypes.Png : DicomMediaTypes.Jpeg;
                return instance.Rows is null
                    ? DicomWebResults.NotAcceptable($"Object {objectUid} is not an image; ask for contentType=application/dicom.")
                    : await ImageAsync(instance, mediaType, query, archive, cancellationToken).ConfigureAwait(false);
            }
        }

        return DicomWebResults.NotAcceptable($"contentType '{contentTypes}' cannot be served: application/dicom, image/jpeg and image/png can.");
    }

    private static async Task<IResult> DicomObjectAsync(Gateway.Core.Archive.ArchivedInstance instance, string transferSyntax, RetrieveService archive, CancellationToken cancellationToken)
    {
        var requested = new RequestedRepresentation(DicomMediaTypes.Dicom, transferSyntax.Length == 0 ? null : transferSyntax);
        var served = archive.ServedSyntax(instance);
        var choice = DicomSyntaxNegotiation.Choose([requested], served, DicomCodecRegistry.Default);
        if (choice is null)
        {
            return DicomWebResults.NotAcceptable($"Object {instance.SopInstanceUid} is stored as {served} and cannot be served as {requested.TransferSyntax ?? DicomMediaTypes.ExplicitVRLittleEndian}.");
        }

        InstancePart part;
        try
        {
            part = await InstancePart.PrepareAsync(instance, choice, archive, cancellationToken).ConfigureAwait(false);
        }
        catch (DicomException exception)
        {
            return DicomWebResults.NotAcceptable($"Object {instance.SopInstanceUid} cannot be served as {choice}: {exception.Message}");
        }

        return Results.Stream(part.Content, part.ContentType);
    }

    private static async Task<IResult> ImageAsync(Gateway.Core.Archive.ArchivedInstance instance, string mediaType, IQueryCollection query, RetrieveService archive, CancellationToken cancellationToken)
    {
        var frame = 1;
        var frameText = query["frameNumber"].ToString();
        if (frameText.Length > 0 && (!int.TryParse(frameText, NumberStyles.None, CultureInfo.InvariantCulture, out frame) || frame < 1))
        {
            return DicomWebResults.BadRequest($"frameNumber '{frameText}' is not a frame number from 1.");
        }

        var centerText = query["windowCenter"].ToString();
        var widthText = query["windowWidth"].ToString();
        VoiWindow? window = null;
        if (centerText.Length > 0 || widthText.Length > 0)
        {
            if (!RenderOptions.TryNumber(centerText, out var center) || !RenderOptions.TryNumber(widthText, out var width) || width <= 0)
            {
                return DicomWebResults.BadRequest("windowCenter and windowWidth go together, as numbers, with a positive width.");
            }

            window = new VoiWindow(center, width, VoiFunction.Linear);
        }

        int? rows = null;
        int? columns = null;
        foreach (var (name, assign) in new (string, Action<int>)[] { ("rows", value => rows = value), ("columns", value => columns = value) })
        {
            var text = query[name].ToString();
            if (text.Length == 0)
            {
                continue;
            }

            if (!RenderOptions.TrySize(text, out var size))
            {
                return DicomWebResults.BadRequest($"{name} '{text}' is not a size from 1 to 8192.");
            }

            assign(size);
        }

        var quality = RenderOptions.DefaultQuality;
        var qualityText = query["imageQuality"].ToString();
        if (qualityText.Length > 0 && (!int.TryParse(qualityText, NumberStyles.None, CultureInfo.InvariantCulture, out quality) || quality is < 1 or > 100))
        {
            return DicomWebResults.BadRequest($"imageQuality '{qualityText}' is not a number from 1 to 100.");
        }

        var options = new RenderOptions(
            window,
            rows is null && columns is null ? null : columns ?? 8192,
            rows is null && columns is null ? null : rows ?? 8192,
            quality);
        var (images, failure) = await new RenderRequest(archive, options, mediaType).RenderAsync(instance, [frame], middleFrame: false, cancellationToken).ConfigureAwait(false);
        return failure ?? Results.Bytes(images![0], mediaType);
    }
}
