using Gateway.Core.Archive;
using Gateway.Core.Retrieve;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Gateway.Server.DicomWeb.Http;

namespace Gateway.Server.DicomWeb.Retrieve.Rendering;

/// <summary>Renders frames of archived instances into encoded images, or says why not (as the answer to give).</summary>
internal sealed class RenderRequest(RetrieveService archive, RenderOptions options, string mediaType)
{
    public string MediaType => mediaType;

    /// <summary>Frames (numbers from 1; null: the first, or the middle one for a thumbnail) of one instance, encoded.</summary>
    public async Task<(IReadOnlyList<byte[]>? Images, IResult? Error)> RenderAsync(
        ArchivedInstance instance, IReadOnlyList<int>? frameNumbers, bool middleFrame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var file = await archive.ReadAsync(instance, cancellationToken).ConfigureAwait(false);
        if (!DicomPixelData.HasPixelData(file.Dataset))
        {
            return (null, DicomWebResults.NotAcceptable($"Instance {instance.SopInstanceUid} has no pixel data to render."));
        }

        var pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
        frameNumbers ??= [middleFrame ? (pixelData.NumberOfFrames + 1) / 2 : 1];
        if (frameNumbers.FirstOrDefault(number => number > pixelData.NumberOfFrames) is var beyond and > 0)
        {
            return (null, DicomWebResults.NotFound($"Instance {instance.SopInstanceUid} has {pixelData.NumberOfFrames} frame(s); there is no frame {beyond}."));
        }

        var images = new List<byte[]>(frameNumbers.Count);
        try
        {
            foreach (var number in frameNumbers)
            {
                var image = FrameRenderer.Render(file.Dataset, pixelData, number - 1, options.Window, DicomCodecRegistry.Default);
                if (options.ViewportWidth is { } width && options.ViewportHeight is { } height)
                {
                    image = image.FitInto(width, height);
                }

                images.Add(RenderedEncoder.Encode(image, mediaType, options.Quality));
            }
        }
        catch (DicomException exception)
        {
            return (null, DicomWebResults.NotAcceptable($"Instance {instance.SopInstanceUid} cannot be rendered: {exception.Message}"));
        }

        return (images, null);
    }
}
