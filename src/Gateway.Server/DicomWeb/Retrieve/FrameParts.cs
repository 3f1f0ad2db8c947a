using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Gateway.Server.DicomWeb.Http;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>
/// Frames as a multipart/related response, produced one at a time just before each is written, so that a response
/// holds one frame in memory however many it has (WADO-RS frames and pixel data bulk data). The first frame is
/// produced before the status line goes out, so a form the frames cannot take still answers 406; a later frame that
/// fails can only break the response, which the client then sees incomplete.
/// </summary>
internal static class FrameParts
{
    /// <param name="indexes">Frame indexes from 0, in the order to send.</param>
    /// <param name="onePart">All frames concatenated in one part (native pixel data bulk data) rather than one part each.</param>
    public static IResult Serve(FramePlan plan, DicomPixelData pixelData, IReadOnlyList<int> indexes, bool onePart, HttpContext http)
    {
        ReadOnlyMemory<byte> first;
        try
        {
            first = plan.Produce(pixelData, indexes[0], DicomCodecRegistry.Default);
        }
        catch (DicomException exception)
        {
            return DicomWebResults.NotAcceptable($"The frames cannot be served as {plan.PartContentType}: {exception.Message}");
        }

        return new MultipartResult(plan.MediaType, plan.TransferSyntaxUid, async (writer, token) =>
        {
            try
            {
                if (onePart)
                {
                    await writer.WritePartAsync(plan.PartContentType, Frames(), token).ConfigureAwait(false);
                    return;
                }

                foreach (var frame in Frames())
                {
                    await writer.WritePartAsync(plan.PartContentType, frame, token).ConfigureAwait(false);
                }
            }
            catch (DicomException)
            {
                http.Abort();
                throw;
            }
        });

        IEnumerable<ReadOnlyMemory<byte>> Frames()
        {
            yield return first;
            first = default;
            for (var i = 1; i < indexes.Count; i++)
            {
                yield return plan.Produce(pixelData, indexes[i], DicomCodecRegistry.Default);
            }
        }
    }
}
