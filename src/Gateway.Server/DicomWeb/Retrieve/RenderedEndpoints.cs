using Gateway.Core.Archive;
using Gateway.Core.Retrieve;
using Gateway.Server.DicomWeb.Http;
using Gateway.Server.DicomWeb.Retrieve.Rendering;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>
/// WADO-RS rendered and thumbnail resources (PS3.18 10.4.1.1.4, 10.4.1.1.6): image/jpeg (the default) or image/png,
/// chosen by Accept or the <c>accept</c> query parameter, with <c>window</c>, <c>viewport</c> and <c>quality</c>.
/// A study or series renders as a multipart/related body, one image per image instance; its thumbnail is the
/// middle image of the (first) series. A thumbnail is a rendering fitted into 128 x 128 unless a viewport is given.
/// </summary>
internal static class RenderedEndpoints
{
    private const int ThumbnailSize = 128;

    public static async Task<IResult> StudyOrSeriesAsync(RetrieveScope scope, bool thumbnail, HttpContext http, RetrieveService archive)
    {
        if (Prepare(http, archive, thumbnail, out var request) is { } error)
        {
            return error;
        }

        var instances = await archive.LocateAsync(scope, http.RequestAborted).ConfigureAwait(false);
        if (instances.Count == 0)
        {
            return DicomWebResults.NotFound(RetrieveMessages.NothingAt(scope));
        }

        var images = instances.Where(instance => instance.Rows is not null).ToList();
        if (images.Count == 0)
        {
            return DicomWebResults.NotAcceptable("Nothing in it has pixel data to render.");
        }

        if (thumbnail)
        {
            var series = images.Where(instance => instance.SeriesInstanceUid == images[0].SeriesInstanceUid).ToList();
            return await SingleAsync(request!, series[series.Count / 2], null, middleFrame: true, http.RequestAborted).ConfigureAwait(false);
        }

        var rendered = new List<byte[]>(images.Count);
        foreach (var instance in images)
        {
            var (encoded, failure) = await request!.RenderAsync(instance, null, middleFrame: false, http.RequestAborted).ConfigureAwait(false);
            if (failure is not null)
            {
                return failure;
            }

            rendered.AddRange(encoded!);
        }

        return Multipart(request!.MediaType, rendered);
    }

    /// <param name="frames">The {frames} segment, or null for the instance as a whole.</param>
    /// <param name="maxFrames">The most frame numbers <paramref name="frames"/> may list.</param>
    public static async Task<IResult> InstanceAsync(string study, string series, string instance, string? frames, int maxFrames, bool thumbnail, HttpContext http, RetrieveService archive)
    {
        int[]? numbers = null;
        if (frames is not null && (numbers = FrameList.Parse(frames, maxFrames, out var problem)) is null)
        {
            return DicomWebResults.BadRequest(problem!);
        }

        if (Prepare(http, archive, thumbnail, out var request) is { } error)
        {
            return error;
        }

        var found = await archive.FindAsync(study, series, instance, http.RequestAborted).ConfigureAwait(false);
        if (found is null)
        {
            return DicomWebResults.NotFound(RetrieveMessages.NothingAt(new(study, series, instance)));
        }

        if (thumbnail && numbers is { Length: > 1 })
        {
            numbers = numbers[..1];
        }

        if (numbers is { Length: > 1 })
        {
            var (images, failure) = await request!.RenderAsync(found, numbers, middleFrame: false, http.RequestAborted).ConfigureAwait(false);
            return failure ?? Multipart(request.MediaType, images!);
        }

        return await SingleAsync(request!, found, numbers, middleFrame: thumbnail, http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<IResult> SingleAsync(RenderRequest request, ArchivedInstance instance, int[]? numbers, bool middleFrame, CancellationToken cancellationToken)
    {
        var (images, failure) = await request.RenderAsync(instance, numbers, middleFrame, cancellationToken).ConfigureAwait(false);
        return failure ?? Results.Bytes(images![0], request.MediaType);
    }

    private static MultipartResult Multipart(string mediaType, IReadOnlyList<byte[]> images) =>
        new(mediaType, null, async (writer, token) =>
        {
            foreach (var image in images)
            {
                await writer.WritePartAsync(mediaType, image, token).ConfigureAwait(false);
            }
        });

    /// <summary>Reads the query parameters and the wanted media type; the result is the error answer when they do not do.</summary>
    private static IResult? Prepare(HttpContext http, RetrieveService archive, bool thumbnail, out RenderRequest? request)
    {
        request = null;
        var options = RenderOptions.Parse(http.Request.Query, out var problem);
        if (options is null)
        {
            return DicomWebResults.BadRequest(problem!);
        }

        if (thumbnail && options.ViewportWidth is null)
        {
            options = options with { ViewportWidth = ThumbnailSize, ViewportHeight = ThumbnailSize };
        }

        var accept = http.Request.Query["accept"].ToString();
        var requested = accept.Length > 0
            ? RequestedRepresentation.FromRanges(AcceptHeader.Parse([accept]))
            : RequestedRepresentation.FromRequest(http.Request);
        var mediaType = RenderedEncoder.Choose(requested);
        if (mediaType is null)
        {
            return DicomWebResults.NotAcceptable("Rendered images are served as image/jpeg or image/png.");
        }

        request = new RenderRequest(archive, options, mediaType);
        return null;
    }
}
