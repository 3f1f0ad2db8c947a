using Gateway.Core.Retrieve;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Gateway.Server.DicomWeb.Http;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>WADO-RS frames (PS3.18 10.4.1.1.3): multipart/related, one part per requested frame, in the negotiated form.</summary>
internal static class FramesEndpoint
{
    public static async Task<IResult> HandleAsync(string study, string series, string instance, string frames, HttpContext http, RetrieveService archive)
    {
        var cancellationToken = http.RequestAborted;
        if (!FrameList.TryParse(frames, out var numbers))
        {
            return DicomWebResults.BadRequest($"'{frames}' is not a list of frame numbers (1, 2, ... separated by commas).");
        }

        var found = await archive.FindAsync(study, series, instance, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return DicomWebResults.NotFound(RetrieveMessages.NothingAt(new(study, series, instance)));
        }

        var file = await archive.ReadAsync(found, cancellationToken).ConfigureAwait(false);
        if (!DicomPixelData.HasPixelData(file.Dataset))
        {
            return DicomWebResults.NotFound($"Instance {instance} has no pixel data, hence no frames.");
        }

        var pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
        if (numbers.FirstOrDefault(number => number > pixelData.NumberOfFrames) is var beyond and > 0)
        {
            return DicomWebResults.NotFound($"Instance {instance} has {pixelData.NumberOfFrames} frame(s); there is no frame {beyond}.");
        }

        var plan = FramePlan.Choose(RequestedRepresentation.FromRequest(http.Request), pixelData, DicomCodecRegistry.Default);
        if (plan is null)
        {
            return DicomWebResults.NotAcceptable($"The frames are stored as {pixelData.TransferSyntax.Uid} and cannot be served in any form the request accepts.");
        }

        var parts = new List<byte[]>(numbers.Length);
        try
        {
            parts.AddRange(numbers.Select(number => plan.Produce(pixelData, number - 1, DicomCodecRegistry.Default)));
        }
        catch (DicomException exception)
        {
            return DicomWebResults.NotAcceptable($"The frames cannot be served as {plan.PartContentType}: {exception.Message}");
        }

        return new MultipartResult(plan.MediaType, plan.TransferSyntaxUid, async (writer, token) =>
        {
            foreach (var part in parts)
            {
                await writer.WritePartAsync(plan.PartContentType, part, token).ConfigureAwait(false);
            }
        });
    }
}
