using Gateway.Core.Archive;

namespace Gateway.Server.DicomWeb.Stow;

/// <summary>One part's outcome: what ingest said, and the Failure Reason when it was not stored.</summary>
internal sealed record StowPartResult(IngestResult Result, ushort? FailureReason);

/// <summary>What a STOW-RS request achieved so far: one result per part, and a framing fault that ended it early.</summary>
internal sealed class StowResults
{
    private readonly List<StowPartResult> _parts = [];

    public IReadOnlyList<StowPartResult> Parts => _parts;

    public int Stored => _parts.Count(part => part.FailureReason is null);

    /// <summary>The multipart framing broke after some parts were stored (reported as one more failure).</summary>
    public StowRequestException? Malformed { get; set; }

    public void Add(IngestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        _parts.Add(new StowPartResult(result, result.Outcome switch
        {
            IngestOutcome.Stored or IngestOutcome.AlreadyStored => null,
            IngestOutcome.Conflict => StowFailureReason.DuplicateSopInstance,
            IngestOutcome.Busy => StowFailureReason.OutOfResources,
            IngestOutcome.StudyMismatch => StowFailureReason.StudyMismatch,
            IngestOutcome.PatientConflict => StowFailureReason.PatientConflict,
            IngestOutcome.UnsupportedTransferSyntax => StowFailureReason.TransferSyntaxNotSupported,
            IngestOutcome.InvalidPixelData => StowFailureReason.DataSetDoesNotMatch,
            _ => StowFailureReason.CannotUnderstand,
        }));
    }

    /// <summary>Storing failed on our side (object store, database) rather than because of the instance.</summary>
    public void AddProcessingFailure(string message) =>
        _parts.Add(new StowPartResult(new IngestResult(IngestOutcome.Invalid, null, null, null, message), StowFailureReason.ProcessingFailure));
}
