using Gateway.Core.Jobs;
using Gateway.Infrastructure.Postgres.Jobs;
using Gateway.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Jobs;

/// <summary>
/// Runs this node's queue workers: at start it re-queues the jobs its workers held before a restart; then N
/// workers claim jobs (woken by LISTEN/NOTIFY, polling as a fallback) and renew their lease while a job runs, and a
/// sweeper re-queues jobs whose worker died on another node (lease not renewed for Gateway:JobLeaseSeconds).
/// </summary>
public sealed partial class JobWorkerService(
    JobRunner runner,
    IJobQueue queue,
    PostgresJobNotifications notifications,
    JobOptions jobOptions,
    IOptions<GatewayOptions> options,
    ILogger<JobWorkerService> logger) : BackgroundService
{
    private readonly JobSignal _signal = new();

    /// <summary>The prefix of this node's worker ids.</summary>
    public string WorkerPrefix => options.Value.NodeName + "/";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (jobOptions.Workers == 0)
        {
            return;
        }

        await Task.Yield();
        try
        {
            var requeued = await queue.RequeueAbandonedAsync(jobOptions.StaleAfter, WorkerPrefix, stoppingToken).ConfigureAwait(false);
            var kinds = string.Join(", ", runner.Kinds);
            Log.Started(logger, jobOptions.Workers, kinds, requeued);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.RequeueFailed(logger, exception);
        }

        var tasks = new List<Task>
        {
            notifications.RunAsync(_signal, jobOptions.PollInterval, stoppingToken),
            SweepAsync(stoppingToken),
        };
        for (var worker = 0; worker < jobOptions.Workers; worker++)
        {
            tasks.Add(runner.RunWorkerAsync($"{WorkerPrefix}{Environment.ProcessId}/{worker}", _signal, stoppingToken));
        }

        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromTicks(Math.Max(jobOptions.StaleAfter.Ticks / 4, TimeSpan.FromSeconds(1).Ticks));
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(interval, stoppingToken).ConfigureAwait(false);
            try
            {
                var requeued = await queue.RequeueAbandonedAsync(jobOptions.StaleAfter, null, stoppingToken).ConfigureAwait(false);
                if (requeued > 0)
                {
                    Log.RequeuedStale(logger, requeued);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.RequeueFailed(logger, exception);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2300, Level = LogLevel.Information, Message = "{Workers} queue workers started for job kinds {Kinds}; {Requeued} jobs of this node's earlier run re-queued")]
        public static partial void Started(ILogger logger, int workers, string kinds, int requeued);

        [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Re-queued {Count} jobs whose workers stopped answering")]
        public static partial void RequeuedStale(ILogger logger, int count);

        [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Could not re-queue abandoned jobs")]
        public static partial void RequeueFailed(ILogger logger, Exception exception);
    }
}
