using Gateway.Core.Retrieve;
using System.Globalization;
using Gateway.Core.Compression;
using Gateway.Core.Headers;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Gateway.Server.DicomWeb.Http;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>
/// WADO-RS bulk data (PS3.18 10.4.1.1.5) at the BulkDataURIs the metadata gives:
/// <c>.../instances/{instance}/bulkdata/{path}</c> with the path form of <see cref="Gateway.Dicom.Json.DicomElementPath"/>.
/// A value comes back as one application/octet-stream part; encapsulated pixel data as the frames the Accept asks
/// for (native frames in one part, or the compressed frames one part each). For an instance kept as a latent, values
/// other than the pixel data come from its header object (no decode); the pixel data from its reconstruction.
/// </summary>
internal static class BulkDataEndpoint
{
    public static async Task<IResult> HandleAsync(string study, string series, string instance, string path, HttpContext http, RetrieveService archive)
    {
        var cancellationToken = http.RequestAborted;
        if (!TryParsePath(path, out var steps))
        {
            return DicomWebResults.BadRequest($"'{path}' is not a bulk data path (tag, or tag/item/tag/... with tags as 8 hex digits).");
        }

        var found = await archive.FindAsync(study, series, instance, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return DicomWebResults.NotFound(RetrieveMessages.NothingAt(new(study, series, instance)));
        }

        var header = HeaderContent.PixelTags.Contains(steps[0].Tag) ? null : await archive.ReadStoredHeaderAsync(found, cancellationToken).ConfigureAwait(false);
        var file = header is null ? await archive.ReadAsync(found, cancellationToken).ConfigureAwait(false) : null;
        var element = Resolve(header ?? file!.Dataset, steps);
        var requested = RequestedRepresentation.FromRequest(http.Request);
        switch (element)
        {
            case DicomFragmentSequence when steps.Count == 1 && file is not null:
                return PixelData(file, requested, http);
            case DicomValueElement value:
                if (!requested.Any(representation => representation.Admits(DicomMediaTypes.OctetStream)))
                {
                    return DicomWebResults.NotAcceptable("Bulk data is served as application/octet-stream.");
                }

                return new MultipartResult(DicomMediaTypes.OctetStream, null, (writer, token) =>
                    writer.WritePartAsync(DicomMediaTypes.OctetStream, value.Value, token));
            default:
                return DicomWebResults.NotFound($"Instance {instance} has no bulk data at {path}.");
        }
    }

    private static IResult PixelData(DicomFile file, IReadOnlyList<RequestedRepresentation> requested, HttpContext http)
    {
        var pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
        var plan = FramePlan.Choose(requested, pixelData, DicomCodecRegistry.Default);
        if (plan is null)
        {
            return DicomWebResults.NotAcceptable($"The pixel data is stored as {pixelData.TransferSyntax.Uid} and cannot be served in any form the request accepts.");
        }

        // Native pixel data is one value: one part, the frames one after the other; compressed frames one part each.
        return FrameParts.Serve(plan, pixelData, Enumerable.Range(0, pixelData.NumberOfFrames).ToArray(), onePart: plan.Form == FrameForm.Native, http);
    }

    /// <summary>Tags and item indexes alternating: "7FE00010", "00081140/0/00081155".</summary>
    private static bool TryParsePath(string path, out List<(DicomTag Tag, int Item)> steps)
    {
        steps = [];
        var parts = path.Trim('/').Split('/');
        if (parts.Length % 2 == 0)
        {
            return false;
        }

        for (var i = 0; i < parts.Length; i += 2)
        {
            if (parts[i].Length != 8 || !uint.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var tag))
            {
                return false;
            }

            var item = -1;
            if (i + 1 < parts.Length && (!int.TryParse(parts[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out item) || item < 0))
            {
                return false;
            }

            steps.Add((new DicomTag(tag), item));
        }

        return true;
    }

    private static DicomElement? Resolve(DicomDataset dataset, List<(DicomTag Tag, int Item)> steps)
    {
        var current = dataset;
        for (var i = 0; i < steps.Count; i++)
        {
            var element = current.GetElement(steps[i].Tag);
            if (i == steps.Count - 1)
            {
                return element;
            }

            if (element is not DicomSequence sequence || steps[i].Item >= sequence.Items.Count)
            {
                return null;
            }

            current = sequence.Items[steps[i].Item];
        }

        return null;
    }
}
