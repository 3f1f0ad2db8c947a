namespace Gateway.Core.Jobs;

/// <summary>A job that is not done: its kind, state, instance (when it names one), attempts, when it is due or was claimed, and its last reason.</summary>
public sealed record JobListing(
    long Id,
    string Kind,
    string State,
    string? SopInstanceUid,
    int Attempts,
    DateTimeOffset RunAfter,
    string? LockedBy,
    DateTimeOffset? LockedAt,
    string? LastError,
    DateTimeOffset? FinishedAt);

/// <summary>What an admin does with the queue (the console's jobs page): list the jobs not done, retry a failed one, cancel one that waits.</summary>
public interface IJobAdministration
{
    /// <summary>The failed, running and queued jobs (in that order; newest first in each), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<JobListing>> ListAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Queues a failed job again, due now, with a fresh count of attempts; false when it is not failed (or gone).</summary>
    Task<bool> RetryAsync(long jobId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes a queued or failed job (a running one belongs to its worker); its instance stays as it is. False when
    /// there is no such job in those states.
    /// </summary>
    Task<bool> CancelAsync(long jobId, CancellationToken cancellationToken);
}
