namespace Gateway.Core.Lifecycle;

/// <summary>
/// How far a running batch is: done of total, the rate since it started and the time left at that rate (a minimal
/// progress type of the lifecycle page's own, until a shared one exists).
/// </summary>
public sealed record BatchProgress(long Done, long Total, TimeSpan Elapsed)
{
    /// <summary>Instances per second since the start; 0 before the first is done.</summary>
    public double Rate => Elapsed > TimeSpan.Zero ? Done / Elapsed.TotalSeconds : 0;

    /// <summary>The time left at <see cref="Rate"/>; null while nothing is done.</summary>
    public TimeSpan? Remaining => Rate > 0 ? TimeSpan.FromSeconds(Math.Max(Total - Done, 0) / Rate) : null;

    public static BatchProgress Of(LifecycleBatch batch, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new BatchProgress(batch.Done, batch.Queued, (batch.FinishedAt ?? now) - batch.StartedAt);
    }
}
