namespace Gateway.Core.Jobs;

/// <summary>
/// The work queue (PostgreSQL's jobs table): jobs are enqueued in the transaction that makes their instance
/// visible, claimed one at a time by workers without two workers ever taking the same job, and finished as done,
/// retried later, or failed.
/// </summary>
public interface IJobQueue
{
    /// <summary>Claims the oldest due job of one of <paramref name="kinds"/> for <paramref name="workerId"/>; null when none is due.</summary>
    Task<QueuedJob?> ClaimAsync(string workerId, IReadOnlyCollection<string> kinds, CancellationToken cancellationToken);

    /// <summary>
    /// Renews <paramref name="workerId"/>'s lease on a running job (its claim time becomes now); false when the job is
    /// no longer that worker's (re-queued as abandoned, perhaps claimed by another).
    /// </summary>
    Task<bool> RenewAsync(long jobId, string workerId, CancellationToken cancellationToken);

    /// <summary>
    /// The settling calls below change a job only while <paramref name="workerId"/> still holds it: a worker whose
    /// lease ran out and whose job another took never settles the other's run.
    /// </summary>
    Task CompleteAsync(long jobId, string workerId, CancellationToken cancellationToken);

    /// <summary>Puts a claimed job back in the queue, due at <paramref name="runAfter"/>, recording the <paramref name="reason"/> it did not finish.</summary>
    Task RetryAsync(long jobId, string workerId, DateTimeOffset runAfter, string reason, CancellationToken cancellationToken);

    /// <summary>Marks a claimed job failed for good.</summary>
    Task FailAsync(long jobId, string workerId, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Re-queues running jobs whose worker is gone: those whose lease was last renewed (or the job claimed) longer
    /// than <paramref name="claimedLongerThan"/> ago, and those claimed by workers whose id starts with <paramref name="deadWorkerPrefix"/> (this node's
    /// workers from before a restart). Returns how many.
    /// </summary>
    Task<int> RequeueAbandonedAsync(TimeSpan claimedLongerThan, string? deadWorkerPrefix, CancellationToken cancellationToken);

    /// <summary>
    /// Re-queues the running jobs claimed by <paramref name="workerId"/>, a worker that runs none now: a claim whose
    /// answer was lost (the queue failed after the claim committed) or a job whose outcome could not be recorded.
    /// Returns how many.
    /// </summary>
    Task<int> ReleaseClaimsAsync(string workerId, CancellationToken cancellationToken);
}
