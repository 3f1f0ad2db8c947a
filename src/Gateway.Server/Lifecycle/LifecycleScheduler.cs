using Gateway.Core.Lifecycle;

namespace Gateway.Server.Lifecycle;

/// <summary>
/// Queues a lifecycle batch every Gateway:Lifecycle:IntervalSeconds (the first at start), unless one still runs or
/// nothing is pending; the queue's workers (on any node) run its jobs. Off when Enabled is false or there are no rules.
/// </summary>
public sealed partial class LifecycleScheduler(ILifecycleIndex index, LifecycleRules rules, LifecycleOptions options, TimeProvider time, ILogger<LifecycleScheduler> logger) : BackgroundService
{
    /// <summary>Who a scheduled batch is started by (lifecycle_batches.started_by).</summary>
    public const string StartedBy = "schedule";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled || rules.Oldest.Count == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Interval, time);
        do
        {
            try
            {
                if (await index.StartBatchAsync(rules, time.GetUtcNow(), options.BatchSize, StartedBy, stoppingToken).ConfigureAwait(false) is { } batch)
                {
                    Log.Queued(logger, batch.Id, batch.Queued);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.Failed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8013, Level = LogLevel.Information, Message = "Lifecycle batch {BatchId} queued {Count} instances")]
        public static partial void Queued(ILogger logger, long batchId, long count);

        [LoggerMessage(EventId = 8014, Level = LogLevel.Warning, Message = "Could not queue a lifecycle batch")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
