using Gateway.Core.Archive;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Gateway.Server.DicomWeb.Http;
using Gateway.Core.Retrieve;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>
/// WADO-RS retrieve of a study, a series or an instance (PS3.18 10.4): multipart/related; type="application/dicom",
/// one part per instance, each in the negotiated transfer syntax.
/// </summary>
internal static class InstanceRetrieveEndpoint
{
    public static async Task<IResult> HandleAsync(RetrieveScope scope, HttpContext http, RetrieveService archive)
    {
        var cancellationToken = http.RequestAborted;
        var requested = RequestedRepresentation.FromRequest(http.Request);
        if (!requested.Any(representation => representation.Admits(DicomMediaTypes.Dicom)))
        {
            return DicomWebResults.NotAcceptable("Instances are served as multipart/related; type=\"application/dicom\" only.");
        }

        var instances = await archive.LocateAsync(scope, cancellationToken).ConfigureAwait(false);
        if (instances.Count == 0)
        {
            return DicomWebResults.NotFound(RetrieveMessages.NothingAt(scope));
        }

        var choices = new string[instances.Count];
        for (var i = 0; i < instances.Count; i++)
        {
            choices[i] = DicomSyntaxNegotiation.Choose(requested, archive.ServedSyntax(instances[i]), DicomCodecRegistry.Default)
                ?? string.Empty;
            if (choices[i].Length == 0)
            {
                return DicomWebResults.NotAcceptable(
                    $"Instance {instances[i].SopInstanceUid} is stored as {archive.ServedSyntax(instances[i])} and cannot be served in any transfer syntax the request accepts.");
            }
        }

        // The first instance is prepared before answering, so that a transcode that fails answers 406.
        InstancePart first;
        try
        {
            first = await InstancePart.PrepareAsync(instances[0], choices[0], archive, cancellationToken).ConfigureAwait(false);
        }
        catch (DicomException exception)
        {
            return DicomWebResults.NotAcceptable($"Instance {instances[0].SopInstanceUid} cannot be served as {choices[0]}: {exception.Message}");
        }

        var singleSyntax = choices.Distinct(StringComparer.Ordinal).Count() == 1 && choices[0] != DicomSyntaxNegotiation.AsStored ? choices[0] : null;
        return new MultipartResult(DicomMediaTypes.Dicom, singleSyntax, async (writer, token) =>
        {
            await using (first.ConfigureAwait(false))
            {
                await writer.WritePartAsync(first.ContentType, first.Content, token).ConfigureAwait(false);
            }

            for (var i = 1; i < instances.Count; i++)
            {
                InstancePart part;
                try
                {
                    part = await InstancePart.PrepareAsync(instances[i], choices[i], archive, token).ConfigureAwait(false);
                }
                catch (DicomException)
                {
                    // The status line is sent: all that is left is to break the response so the client sees it incomplete.
                    http.Abort();
                    throw;
                }

                await using (part.ConfigureAwait(false))
                {
                    await writer.WritePartAsync(part.ContentType, part.Content, token).ConfigureAwait(false);
                }
            }
        });
    }
}
