using Gateway.Core.Retrieve;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Gateway.Server.DicomWeb.Http;
using Gateway.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>WADO-RS frames (PS3.18 10.4.1.1.3): multipart/related, one part per requested frame, in the negotiated form, streamed frame by frame.</summary>
internal static class FramesEndpoint
{
    public static async Task<IResult> HandleAsync(string study, string series, string instance, string frames, HttpContext http, RetrieveService archive, IOptions<GatewayOptions> options)
    {
        var cancellationToken = http.RequestAborted;
        if (FrameList.Parse(frames, options.Value.WadoMaxFrames, out var problem) is not { } numbers)
        {
            return DicomWebResults.BadRequest(problem!);
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

        return FrameParts.Serve(plan, pixelData, numbers.Select(number => number - 1).ToArray(), onePart: false, http);
    }
}
