using Gateway.Core.Compression;
using Gateway.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Gateway.Core.Jobs;

/// <summary>
/// The "retire-original" job, due once the retention period after a verified replacement has passed: removes the
/// original's object row (only while a replacement is recorded), then its file. Idempotent: a second run finds no
/// row; a file left by a crash between the two steps is unreferenced and the start-up orphan sweep removes it.
/// </summary>
public sealed partial class RetireOriginalJobHandler(ICompressionIndex index, IObjectStore objects, ICrashPoints crashPoints, ILogger<RetireOriginalJobHandler> logger) : IJobHandler
{
    /// <summary>The job kind.</summary>
    public const string JobKind = "retire-original";

    public string Kind => JobKind;

    public async Task HandleAsync(QueuedJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.InstanceId is not { } instanceId)
        {
            throw new PermanentJobFailureException($"Retire job {job.Id} names no instance.");
        }

        foreach (var key in await index.RetireOriginalAsync(instanceId, cancellationToken).ConfigureAwait(false))
        {
            crashPoints.Reached(CrashPoint.RetireOriginal);
            await objects.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            Log.Retired(logger, instanceId, key);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2520, Level = LogLevel.Information, Message = "Deleted the original {Key} of instance {InstanceId}: its verified replacement serves it")]
        public static partial void Retired(ILogger logger, long instanceId, string key);
    }
}
