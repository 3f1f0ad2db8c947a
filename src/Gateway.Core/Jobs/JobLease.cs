using Microsoft.Extensions.Logging;

namespace Gateway.Core.Jobs;

/// <summary>
/// A worker's hold on the job it runs: renewed in the queue every <see cref="JobOptions.LeaseRenewInterval"/> while the
/// handler works, so that a long job of a live worker is never taken for abandoned, while a killed worker's job is
/// re-queued once its lease (<see cref="JobOptions.StaleAfter"/>) runs out. When a renewal finds the job gone to another
/// worker, <see cref="Token"/> is cancelled and <see cref="IsLost"/> says why.
/// </summary>
internal sealed partial class JobLease : IAsyncDisposable
{
    private readonly CancellationTokenSource _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    public JobLease(IJobQueue queue, long jobId, string workerId, TimeSpan renewEvery, TimeProvider time, ILogger logger, CancellationToken stoppingToken)
    {
        _handler = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _renewing = RenewAsync(queue, jobId, workerId, renewEvery, time, logger);
    }

    /// <summary>The handler's token: cancelled when the worker stops or the lease is lost.</summary>
    public CancellationToken Token => _handler.Token;

    public bool IsLost { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewing.ConfigureAwait(false);
        _stop.Dispose();
        _handler.Dispose();
    }

    private async Task RenewAsync(IJobQueue queue, long jobId, string workerId, TimeSpan renewEvery, TimeProvider time, ILogger logger)
    {
        try
        {
            while (true)
            {
                await Task.Delay(renewEvery, time, _stop.Token).ConfigureAwait(false);
                bool held;
                try
                {
                    held = await queue.RenewAsync(jobId, workerId, _stop.Token).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
                {
                    // PostgreSQL did not answer: the lease may still be ours, so go on and renew at the next tick.
                    Log.RenewFailed(logger, jobId, workerId, exception.Message);
                    continue;
                }

                if (!held)
                {
                    IsLost = true;
                    Log.Lost(logger, jobId, workerId);
                    await _handler.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The handler finished.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7950, Level = LogLevel.Warning, Message = "Could not renew the lease of job {JobId} held by {WorkerId} (tried again at the next renewal): {Error}")]
        public static partial void RenewFailed(ILogger logger, long jobId, string workerId, string error);

        [LoggerMessage(EventId = 7951, Level = LogLevel.Warning, Message = "Job {JobId}: worker {WorkerId} lost its lease (its renewals stopped longer than the stale timeout and the job was re-queued); this run stops, the new one finishes it")]
        public static partial void Lost(ILogger logger, long jobId, string workerId);
    }
}
