using Gateway.Dicom;
using Gateway.Dicom.Json;
using Gateway.Server.DicomWeb.Retrieve;

namespace Gateway.Server.DicomWeb.Stow;

/// <summary>
/// The Store Instances response (PS3.18 10.5.3 and Annex I) as DICOM JSON: Retrieve URL of the study,
/// Referenced SOP Sequence (stored, each with its Retrieve URL) and Failed SOP Sequence (with Failure Reason); the
/// status is 200 when all were stored, 409 when none, 202 otherwise.
/// </summary>
internal static class StowResponse
{
    public const string MediaType = "application/dicom+json";

    private const int MaxWarnings = 50;

    public static (int StatusCode, byte[] Body) Build(StowResults results, string? requestedStudy, string dicomWebRoot)
    {
        var referenced = new List<DicomDataset>();
        var failed = new List<DicomDataset>();
        foreach (var part in results.Parts)
        {
            var result = part.Result;
            var item = new DicomDataset();
            if (result.SopClassUid is { Length: > 0 } sopClass)
            {
                item.SetString(DicomTags.ReferencedSOPClassUID, DicomVR.UI, sopClass);
            }

            if (result.SopInstanceUid is { Length: > 0 } sopInstance)
            {
                item.SetString(DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, sopInstance);
            }

            if (part.FailureReason is { } reason)
            {
                item.SetValues(DicomTags.FailureReason, DicomVR.US, reason);
                if (reason != StowFailureReason.ProcessingFailure && result.Message.Length > 0)
                {
                    // Why, as C-STORE's Error Comment (0000,0902) says it (LO: at most 64 characters).
                    item.SetString(DicomTags.ErrorComment, DicomVR.LO, result.Message.Length <= 64 ? result.Message : result.Message[..64]);
                }

                failed.Add(item);
            }
            else
            {
                item.SetString(DicomTags.RetrieveURL, DicomVR.UR, DicomWebBaseUrl.Instance(dicomWebRoot, result.StudyInstanceUid!, result.SeriesInstanceUid!, result.SopInstanceUid!));
                referenced.Add(item);
            }
        }

        if (results.Malformed is not null)
        {
            var item = new DicomDataset();
            item.SetValues(DicomTags.FailureReason, DicomVR.US, StowFailureReason.CannotUnderstand);
            failed.Add(item);
        }

        var response = new DicomDataset();
        var study = requestedStudy ?? SingleStudy(results);
        if (study is not null && referenced.Count > 0)
        {
            response.SetString(DicomTags.RetrieveURL, DicomVR.UR, $"{dicomWebRoot}/studies/{Uri.EscapeDataString(study)}");
        }

        if (failed.Count > 0)
        {
            response.Add(new DicomSequence(DicomTags.FailedSOPSequence, failed));
        }

        if (referenced.Count > 0)
        {
            response.Add(new DicomSequence(DicomTags.ReferencedSOPSequence, referenced));
        }

        var status = failed.Count == 0 ? StatusCodes.Status200OK
            : referenced.Count == 0 ? StatusCodes.Status409Conflict
            : StatusCodes.Status202Accepted;
        return (status, DicomJsonWriter.SerializeToUtf8Bytes(response));
    }

    /// <summary>
    /// The reason each part was refused, as Warning header values (PS3.18 8.4.4 allows a Warning header with the
    /// response; code 299, agent "gateway"): "299 gateway "SOP Instance UID: reason"", one per failed part in part order,
    /// the first <see cref="MaxWarnings"/> of them (the headers stay small; the body lists every failure).
    /// </summary>
    public static IEnumerable<string> Warnings(StowResults results) =>
        results.Parts.Where(part => part.FailureReason is not null).Take(MaxWarnings)
            .Select(part => $"299 gateway \"{HeaderText($"{part.Result.SopInstanceUid ?? "-"}: {part.Result.Message}")}\"");

    /// <summary>Printable ASCII without quotes or backslashes, as a quoted header value may hold without escapes.</summary>
    private static string HeaderText(string text) =>
        new(text.Select(character => character is >= ' ' and <= '~' and not '"' and not '\\' ? character : '?').ToArray());

    /// <summary>The study of every stored instance, when they share one.</summary>
    private static string? SingleStudy(StowResults results)
    {
        var studies = results.Parts.Where(part => part.FailureReason is null).Select(part => part.Result.StudyInstanceUid).Distinct().ToList();
        return studies.Count == 1 ? studies[0] : null;
    }
}
