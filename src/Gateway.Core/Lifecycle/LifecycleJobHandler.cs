using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Jobs;
using Gateway.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Gateway.Core.Lifecycle;

/// <summary>
/// The "lifecycle" job (docs/decisions/lifecycle.md): moves one instance by the rule that decides for it now (the
/// oldest age it has reached). Its pixels are read from its original, else its lossless copy (pixels as received),
/// and stored again through the compress job's choice and checks (<see cref="CompressJobHandler"/>): the new object is
/// written, read back, checksum-verified and decoded from the stored bytes and meets the rule's target before one
/// transaction records it and removes the rows of the objects it replaces; only then are those deleted from the
/// store. A choice that takes no fewer bytes than the source is not stored: the move is recorded as unchanged.
/// Idempotent: a rule records at most one move per instance; a crash after the commit leaves unreferenced objects that
/// the start-up orphan sweep removes.
/// </summary>
public sealed partial class LifecycleJobHandler(
    ILifecycleIndex index,
    ICompressionIndex compression,
    CompressJobHandler compress,
    LifecycleRules rules,
    IObjectStore objects,
    TimeProvider time,
    ILogger<LifecycleJobHandler> logger) : IJobHandler
{
    /// <summary>The job kind.</summary>
    public const string JobKind = "lifecycle";

    public string Kind => JobKind;

    public async Task HandleAsync(QueuedJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.InstanceId is not { } instanceId)
        {
            throw new PermanentJobFailureException($"Lifecycle job {job.Id} names no instance.");
        }

        var instance = await index.LoadAsync(instanceId, cancellationToken).ConfigureAwait(false);
        var candidate = instance is null ? null : await compression.LoadAsync(instanceId, cancellationToken).ConfigureAwait(false);
        var rule = instance is null ? null : rules.Decide(instance.Modality, instance.StudyDate, instance.ReceivedAt, time.GetUtcNow());
        if (candidate is null || rule is null)
        {
            // Gone, or no rule decides for it (the rules changed since the batch was queued).
            return;
        }

        var source = candidate.Objects.FirstOrDefault(o => o.Kind == StorageKind.Original) ?? candidate.Objects.FirstOrDefault(o => o.Kind == StorageKind.Lossless);
        if (source is null)
        {
            Log.NoSource(logger, candidate.SopInstanceUid, rule.Name);
            await index.RecordUnchangedAsync(instanceId, rule.Name, "no_lossless_source", cancellationToken).ConfigureAwait(false);
            return;
        }

        await compress.ReencodeAsync(candidate, source, subject => rules.ActionOf(rule, subject), new Move(index, objects, logger, candidate, rule.Name, source), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A lifecycle move's recording: the verified choice replaces the instance's pixel objects when it is cheaper than the source.</summary>
    private sealed class Move(ILifecycleIndex index, IObjectStore objects, ILogger logger, CompressionCandidate candidate, string rule, ArchivedObject source) : IReplacementRecording
    {
        public async Task<bool> RecordAsync(CompressionOutcome outcome, CancellationToken cancellationToken)
        {
            var bytes = outcome.Replacement.Stored.Size + (outcome.KeptLatent?.Stored.Size ?? 0);
            if (bytes >= source.Size)
            {
                await KeepAsync("not_cheaper", cancellationToken).ConfigureAwait(false);
                return false;
            }

            var retired = await index.RecordMoveAsync(candidate.InstanceId, rule, source.Key, outcome, cancellationToken).ConfigureAwait(false);
            if (retired is null)
            {
                return false;
            }

            foreach (var key in retired)
            {
                await objects.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            }

            Log.Moved(logger, candidate.SopInstanceUid, rule, source.Size, outcome.Replacement.Kind, outcome.Replacement.Stored.Size, retired.Count);
            return true;
        }

        public async Task KeepAsync(string reason, CancellationToken cancellationToken)
        {
            await index.RecordUnchangedAsync(candidate.InstanceId, rule, reason, cancellationToken).ConfigureAwait(false);
            Log.Unchanged(logger, candidate.SopInstanceUid, rule, reason);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8010, Level = LogLevel.Information, Message = "Lifecycle rule {Rule} moved {SopInstanceUid}: {BytesBefore} bytes -> {Representation} of {BytesAfter} bytes; {Retired} old objects deleted")]
        public static partial void Moved(ILogger logger, string sopInstanceUid, string rule, long bytesBefore, StorageKind representation, long bytesAfter, int retired);

        [LoggerMessage(EventId = 8011, Level = LogLevel.Information, Message = "Lifecycle rule {Rule} leaves {SopInstanceUid} as it is ({Reason})")]
        public static partial void Unchanged(ILogger logger, string sopInstanceUid, string rule, string reason);

        [LoggerMessage(EventId = 8012, Level = LogLevel.Warning, Message = "Lifecycle rule {Rule} cannot move {SopInstanceUid}: neither its original nor a lossless copy is stored")]
        public static partial void NoSource(ILogger logger, string sopInstanceUid, string rule);
    }
}
