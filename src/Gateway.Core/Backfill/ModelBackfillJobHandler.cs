using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Jobs;
using Gateway.Core.Jobs.Progress;
using Gateway.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Gateway.Core.Backfill;

/// <summary>
/// The "model-backfill" job (docs/console.md, Backfill): stores one instance again with the model promoted for its
/// rule when the running backfill started. Its pixels are read from its original, else its lossless copy (pixels as
/// received), and go through the compress job's choice and checks (<see cref="CompressJobHandler.ReencodeAsync"/>):
/// the new object is written, read back, checksum-verified and decoded from the stored bytes and meets the rule's
/// target. It replaces the instance's current representation (its replacement and any AI latent beside it) only when
/// it takes fewer bytes in all; one transaction swaps the rows (the original, while retained, stays and still serves,
/// and its retire-original job stays due), and only then are the old objects deleted from the store. Everything else
/// is recorded unchanged with its reason. An instance already re-encoded (by the lifecycle job or an earlier
/// backfill) is handled the same way: what it has now is what the new one must beat. Idempotent: a backfill records at
/// most one outcome per instance; a crash before the commit leaves only the new objects, after it only the old ones,
/// unreferenced, for the start-up orphan sweep.
/// </summary>
public sealed partial class ModelBackfillJobHandler(
    IModelBackfillIndex index,
    ICompressionIndex compression,
    CompressJobHandler compress,
    CompressionOptions options,
    IObjectStore objects,
    ICrashPoints crashPoints,
    TimeProvider time,
    ILogger<ModelBackfillJobHandler> logger) : IJobHandler
{
    /// <summary>The job kind.</summary>
    public const string JobKind = "model-backfill";

    /// <summary>The objects that make up an instance's current representation besides its original and header: what a backfill replaces.</summary>
    public static readonly IReadOnlySet<StorageKind> Replaced = new HashSet<StorageKind>
    {
        StorageKind.Lossless, StorageKind.J2kLossy, StorageKind.LatentResidual, StorageKind.Latent, StorageKind.AiLatent,
    };

    public string Kind => JobKind;

    public async Task HandleAsync(QueuedJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.InstanceId is not { } instanceId)
        {
            throw new PermanentJobFailureException($"Backfill job {job.Id} names no instance.");
        }

        var backfill = await index.LatestAsync(cancellationToken).ConfigureAwait(false);
        var candidate = backfill is { FinishedAt: null } ? await compression.LoadAsync(instanceId, cancellationToken).ConfigureAwait(false) : null;
        if (backfill is null || candidate is null)
        {
            // Gone, or no backfill is open (its row is closed only once none of its jobs is queued or running).
            return;
        }

        var source = candidate.Objects.FirstOrDefault(o => o.Kind == StorageKind.Original) ?? candidate.Objects.FirstOrDefault(o => o.Kind == StorageKind.Lossless);
        if (source is null || !candidate.Objects.Any(o => Replaced.Contains(o.Kind)))
        {
            await KeepAsync(backfill, candidate, source is null ? "no_retained_source" : "no_replacement", cancellationToken).ConfigureAwait(false);
            return;
        }

        var policy = new CompressionPolicy(options, [new ModelPromotion(backfill.Rule, backfill.ModelId, backfill.StartedBy, backfill.StartedAt)]);
        await compress.ReencodeAsync(
            candidate,
            source,
            subject => policy.RuleOf(subject) == backfill.Rule ? policy.Choose(subject).TwoDimensional : null,
            new Swap(this, backfill, candidate, source),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Swaps the instance's current representation for the outcome when it takes fewer bytes in all; false (recorded unchanged) otherwise.</summary>
    private async Task<bool> ReplaceAsync(ModelBackfill backfill, CompressionCandidate candidate, ArchivedObject source, CompressionOutcome outcome, CancellationToken cancellationToken)
    {
        var current = candidate.Objects.Where(o => Replaced.Contains(o.Kind)).ToList();
        var before = current.Sum(o => o.Size);
        var after = outcome.Replacement.Stored.Size + (outcome.KeptLatent?.Stored.Size ?? 0);
        if (after >= before)
        {
            await KeepAsync(backfill, candidate, "not_smaller", cancellationToken).ConfigureAwait(false);
            return false;
        }

        var retired = await index.RecordReplacedAsync(backfill.Id, candidate.InstanceId, source.Key, [.. current.Select(o => o.Key)], outcome, cancellationToken).ConfigureAwait(false);
        if (retired is null)
        {
            // Recorded by an earlier run, or its objects changed since they were read (the new ones are deleted).
            await KeepAsync(backfill, candidate, "changed_meanwhile", cancellationToken).ConfigureAwait(false);
            return false;
        }

        crashPoints.Reached(CrashPoint.BackfillSwapped);
        foreach (var key in retired)
        {
            await objects.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
        }

        Log.Replaced(logger, backfill.Id, candidate.SopInstanceUid, before, outcome.Replacement.Kind, outcome.Replacement.ModelId ?? "-", after);
        await LogProgressAsync(backfill, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task KeepAsync(ModelBackfill backfill, CompressionCandidate candidate, string reason, CancellationToken cancellationToken)
    {
        await index.RecordUnchangedAsync(backfill.Id, candidate.InstanceId, reason, cancellationToken).ConfigureAwait(false);
        Log.Unchanged(logger, backfill.Id, candidate.SopInstanceUid, reason);
        await LogProgressAsync(backfill, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Logs where the backfill stands after an instance (count, rate, ETA), and that it finished after its last.</summary>
    private async Task LogProgressAsync(ModelBackfill started, CancellationToken cancellationToken)
    {
        if (await index.LatestAsync(cancellationToken).ConfigureAwait(false) is not { } now || now.Id != started.Id)
        {
            return;
        }

        var progress = now.Progress(time.GetUtcNow());
        Log.Progress(logger, now.Id, now.Rule, now.ModelId, progress);
        if (progress.Remaining == 0)
        {
            Log.Finished(logger, now.Id, now.Replaced, now.Unchanged, now.BytesSaved, progress);
        }
    }

    /// <summary>A backfill's recording for one instance (<see cref="IReplacementRecording"/>).</summary>
    private sealed class Swap(ModelBackfillJobHandler handler, ModelBackfill backfill, CompressionCandidate candidate, ArchivedObject source) : IReplacementRecording
    {
        public Task<bool> RecordAsync(CompressionOutcome outcome, CancellationToken cancellationToken) => handler.ReplaceAsync(backfill, candidate, source, outcome, cancellationToken);

        public Task KeepAsync(string reason, CancellationToken cancellationToken) => handler.KeepAsync(backfill, candidate, reason, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8050, Level = LogLevel.Information, Message = "Backfill {BackfillId} replaced {SopInstanceUid}: {BytesBefore} bytes -> {Representation} ({ModelId}) of {BytesAfter} bytes")]
        public static partial void Replaced(ILogger logger, long backfillId, string sopInstanceUid, long bytesBefore, StorageKind representation, string modelId, long bytesAfter);

        [LoggerMessage(EventId = 8051, Level = LogLevel.Information, Message = "Backfill {BackfillId} leaves {SopInstanceUid} as it is ({Reason})")]
        public static partial void Unchanged(ILogger logger, long backfillId, string sopInstanceUid, string reason);

        [LoggerMessage(EventId = 8052, Level = LogLevel.Information, Message = "Backfill {BackfillId} of rule {Rule} with {ModelId}: {Progress}")]
        public static partial void Progress(ILogger logger, long backfillId, int rule, string modelId, ProgressSnapshot progress);

        [LoggerMessage(EventId = 8053, Level = LogLevel.Information, Message = "Backfill {BackfillId} finished: {Replaced} replaced, {Unchanged} unchanged, {BytesSaved} bytes saved ({Progress})")]
        public static partial void Finished(ILogger logger, long backfillId, long replaced, long unchanged, long bytesSaved, ProgressSnapshot progress);
    }
}
