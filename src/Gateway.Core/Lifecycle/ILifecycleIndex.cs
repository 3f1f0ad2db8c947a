using Gateway.Core.Compression;

namespace Gateway.Core.Lifecycle;

/// <summary>An instance a rule would move: its UIDs (for the console's links) and the bytes it takes now.</summary>
public sealed record LifecyclePending(string StudyInstanceUid, string SeriesInstanceUid, string SopInstanceUid, string? Modality, string Representation, long Bytes);

/// <summary>What one rule would move next and what it has moved (lifecycle_moves).</summary>
public sealed record LifecycleRuleReport(
    string Rule, long PendingCount, long PendingBytes, IReadOnlyList<LifecyclePending> Sample, long Moved, long Unchanged, long BytesBefore, long BytesAfter, DateTimeOffset? LastMoved)
{
    public long BytesSaved => BytesBefore - BytesAfter;
}

/// <summary>A batch: when it started and ended, how many instances it queued and how many of them are done.</summary>
public sealed record LifecycleBatch(long Id, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, long Queued, long Done, string StartedBy);

/// <summary>An instance as the lifecycle job sees it: what the rules match on (modality, study date, receive time).</summary>
public sealed record LifecycleInstance(string? Modality, string? StudyDate, DateTimeOffset ReceivedAt);

/// <summary>
/// The index side of lifecycle rules (migrations/0017_lifecycle.sql): what each rule would move and has moved,
/// batches, and the move itself, recorded in one transaction with the old objects' rows removed.
/// </summary>
public interface ILifecycleIndex
{
    /// <summary>Per rule: pending instances (count, bytes, the first <paramref name="sample"/>) and moves so far, at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<LifecycleRuleReport>> ReportAsync(LifecycleRules rules, DateTimeOffset now, int sample, CancellationToken cancellationToken);

    /// <summary>The batch running now, else the last one; null when there was none.</summary>
    Task<LifecycleBatch?> LatestBatchAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Closes a batch whose jobs are all gone; then, unless a batch still runs, opens one and queues a lifecycle job for
    /// each of at most <paramref name="batchSize"/> pending instances (oldest rule first). Returns the new batch, or
    /// null when one still runs or nothing is pending.
    /// </summary>
    Task<LifecycleBatch?> StartBatchAsync(LifecycleRules rules, DateTimeOffset now, int batchSize, string startedBy, CancellationToken cancellationToken);

    /// <summary>The instance's modality, study date and receive time; null when it no longer exists.</summary>
    Task<LifecycleInstance?> LoadAsync(long instanceId, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction, while <paramref name="sourceKey"/> still belongs to the instance and the rule has no move of
    /// it yet: removes the rows of its pixel objects (original, lossless, lossy ones), records the outcome's replacement as its
    /// object with its representation and quality, and the move. Returns the removed objects' keys for the caller
    /// to delete after the commit; null when nothing was recorded.
    /// </summary>
    Task<IReadOnlyList<string>?> RecordMoveAsync(long instanceId, string rule, string sourceKey, CompressionOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Records that the rule leaves the instance as it is (nothing cheaper meets its target), with the reason.</summary>
    Task RecordUnchangedAsync(long instanceId, string rule, string reason, CancellationToken cancellationToken);
}
