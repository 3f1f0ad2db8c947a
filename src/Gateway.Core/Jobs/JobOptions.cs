namespace Gateway.Core.Jobs;

/// <summary>How queue workers run.</summary>
public sealed record JobOptions
{
    /// <summary>Concurrent workers in this process (0 runs none: a node that only receives).</summary>
    public int Workers { get; init; } = 2;

    /// <summary>How often an idle worker looks for due jobs when no NOTIFY arrives (retries that came due, lost notifications).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts before a job is failed for good.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Delay before the first retry; doubled for every further attempt.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The lease on a running job: a worker renews it every <see cref="LeaseRenewInterval"/> while the job runs, and a job
    /// whose lease was not renewed for this long is taken to belong to a dead worker and is re-queued.
    /// </summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A third of <see cref="StaleAfter"/>: two renewals may be lost (a PostgreSQL blip) before a live job is given up.</summary>
    public TimeSpan LeaseRenewInterval => StaleAfter / 3;

    /// <summary>The delay before retry number <paramref name="attempt"/> + 1: base × 2^(attempt − 1), capped.</summary>
    public TimeSpan RetryDelay(int attempt)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var delay = RetryBaseDelay.TotalMilliseconds * factor;
        return TimeSpan.FromMilliseconds(Math.Min(delay, RetryMaxDelay.TotalMilliseconds));
    }
}
