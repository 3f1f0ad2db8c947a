using Gateway.Core.Compression;
using Gateway.Core.Jobs.Progress;

namespace Gateway.Core.Backfill;

/// <summary>
/// One backfill (the console's models page): the rule and the model promoted for it when it started, who started it
/// and when, when its last job finished (null while any is queued or running), how many instances it queued, and what
/// became of those done so far: replaced (a smaller representation that meets the rule's target is stored now) or
/// unchanged, with the bytes of the replaced ones before and after.
/// </summary>
public sealed record ModelBackfill(
    long Id, int Rule, string ModelId, string StartedBy, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, long Queued, long Replaced, long Unchanged, long BytesBefore, long BytesAfter)
{
    public long Done => Replaced + Unchanged;

    public long BytesSaved => BytesBefore - BytesAfter;

    /// <summary>Where it stands at <paramref name="now"/> (count, rate and ETA; elapsed up to its end once finished).</summary>
    public ProgressSnapshot Progress(DateTimeOffset now) => new(Done, Queued, (FinishedAt ?? now) - StartedAt);
}

/// <summary>
/// The index side of backfills (migrations/0018_model_backfills.sql): one at a time, each a bounded batch of
/// "model-backfill" jobs on the existing queue, and per instance its outcome, recorded in one transaction with the
/// swap of its representation.
/// </summary>
public interface IModelBackfillIndex
{
    /// <summary>The backfill running now, else the last one; null when there was none.</summary>
    Task<ModelBackfill?> LatestAsync(CancellationToken cancellationToken);

    /// <summary>
    /// How many instances a backfill of <paramref name="rule"/> with <paramref name="modelId"/> would queue: compressed
    /// to a replacement (not kept, not in a series latent) with their original or lossless copy retained, of one of
    /// <paramref name="modalities"/> (any when empty), with no outcome of a backfill of that rule and model yet and no backfill job.
    /// </summary>
    Task<long> PendingAsync(int rule, string modelId, IReadOnlyList<string> modalities, CancellationToken cancellationToken);

    /// <summary>
    /// Closes a backfill whose jobs are all gone; then, unless one still runs, opens one and queues a job for each of at
    /// most <paramref name="batchSize"/> pending instances (<see cref="PendingAsync"/>), in one transaction. Returns
    /// the new backfill, or null when one still runs or nothing is pending.
    /// </summary>
    Task<ModelBackfill?> StartAsync(int rule, string modelId, IReadOnlyList<string> modalities, int batchSize, string startedBy, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction, while the instance is compressed, <paramref name="sourceKey"/> still belongs to it, its
    /// replacement objects are still exactly <paramref name="currentKeys"/> and the backfill has no outcome of it yet:
    /// removes the rows of those objects, records the outcome's objects, representation and quality (the original and
    /// its retire-original job stay), and the outcome. Returns the removed objects' keys for the caller to delete after
    /// the commit; null when nothing was recorded.
    /// </summary>
    Task<IReadOnlyList<string>?> RecordReplacedAsync(
        long backfillId, long instanceId, string sourceKey, IReadOnlyList<string> currentKeys, CompressionOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Records that the backfill leaves the instance as it is, for <paramref name="reason"/>.</summary>
    Task RecordUnchangedAsync(long backfillId, long instanceId, string reason, CancellationToken cancellationToken);
}
