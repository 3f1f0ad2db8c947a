namespace Gateway.Core.Jobs;

/// <summary>
/// Does the work of one job kind ("verify" here; the compression issue adds more). A handler may run twice for the
/// same job (the queue is at-least-once), so every step must be idempotent. Throwing schedules a retry with
/// backoff; throwing <see cref="PermanentJobFailureException"/>, or a <see cref="Gateway.Dicom.DicomException"/> (the
/// stored object does not parse or decode, which no retry changes), fails the job at once (<see cref="JobFailure"/>).
/// </summary>
public interface IJobHandler
{
    /// <summary>The job kind this handler runs, as written in the jobs table.</summary>
    string Kind { get; }

    Task HandleAsync(QueuedJob job, CancellationToken cancellationToken);
}
