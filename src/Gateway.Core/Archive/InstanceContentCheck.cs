using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Core.Archive;

/// <summary>
/// What ingest checks before it acknowledges an instance (DESIGN.md, "rules that keep data safe"), with the reader
/// the jobs and tools use: the whole file parses to its end; native pixel data holds what the Image Pixel module
/// describes; encapsulated pixel data's first frame decodes with the codec this gateway has (one frame, so the cost
/// is that of one decode however many frames there are; a syntax without a codec here passes once its fragments
/// parse). A refused instance gets the outcome and the reason to answer with.
/// </summary>
internal static class InstanceContentCheck
{
    public static InstanceContent Check(Spool spool, DicomCodecRegistry codecs)
    {
        DicomFile file;
        try
        {
            file = spool.ReadAll();
        }
        catch (DicomException exception)
        {
            return InstanceContent.Refused(IngestOutcome.Invalid, $"Does not parse to its end: {exception.Message}");
        }

        if (!DicomPixelData.HasPixelData(file.Dataset))
        {
            return new InstanceContent(null, null, file.TrailingPaddingOffset);
        }

        DicomPixelData pixelData;
        try
        {
            pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
        }
        catch (DicomException exception)
        {
            return InstanceContent.Refused(IngestOutcome.InvalidPixelData, exception.Message);
        }

        if (pixelData.IsEncapsulated && codecs.CanDecode(file.TransferSyntax))
        {
            try
            {
                FrameDecoder.Decode(pixelData, 0, codecs);
            }
            catch (DicomException exception)
            {
                return InstanceContent.Refused(IngestOutcome.InvalidPixelData, $"The first frame does not decode: {exception.Message}");
            }
        }

        return new InstanceContent(null, null, file.TrailingPaddingOffset);
    }
}

/// <summary>
/// The verdict on an instance's content: refused (<see cref="Refusal"/> and its <see cref="Outcome"/>), or accepted,
/// with the offset where trailing zero padding begins when the file has some (it is not stored).
/// </summary>
internal sealed record InstanceContent(IngestOutcome? Outcome, string? Refusal, long? TrailingPaddingOffset)
{
    public static InstanceContent Refused(IngestOutcome outcome, string reason) => new(outcome, reason, null);
}
