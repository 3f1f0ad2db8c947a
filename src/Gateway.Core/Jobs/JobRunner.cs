using Microsoft.Extensions.Logging;

namespace Gateway.Core.Jobs;

/// <summary>
/// Runs claimed jobs with the handler registered for their kind and settles them in the queue: done; a retry due
/// after an exponential backoff; or failed, once the attempts are used up or at once when the failure is permanent
/// (<see cref="JobFailure"/>: the handler says no retry can help, or the stored object does not parse or decode).
/// </summary>
public sealed partial class JobRunner
{
    private readonly IJobQueue _queue;
    private readonly Dictionary<string, IJobHandler> _handlers;
    private readonly JobOptions _options;
    private readonly JobMetrics? _metrics;
    private readonly ILogger<JobRunner> _logger;
    private readonly TimeProvider _time;

    public JobRunner(IJobQueue queue, IEnumerable<IJobHandler> handlers, JobOptions options, ILogger<JobRunner> logger, JobMetrics? metrics = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        _queue = queue;
        _handlers = handlers.ToDictionary(handler => handler.Kind, StringComparer.Ordinal);
        _options = options;
        _logger = logger;
        _metrics = metrics;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The kinds this runner has handlers for (a worker claims only these).</summary>
    public IReadOnlyCollection<string> Kinds => _handlers.Keys;

    /// <summary>Claims and runs one due job; false when none was due.</summary>
    public async Task<bool> RunNextAsync(string workerId, CancellationToken cancellationToken)
    {
        var job = await _queue.ClaimAsync(workerId, Kinds, cancellationToken).ConfigureAwait(false);
        if (job is null)
        {
            return false;
        }

        await RunAsync(job, workerId, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Claims and runs jobs until none is due, then waits for a NOTIFY or the poll interval; until stopped.</summary>
    public async Task RunWorkerAsync(string workerId, JobSignal signal, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(signal);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pulse = signal.NextPulse;
                if (!await RunNextAsync(workerId, stoppingToken).ConfigureAwait(false))
                {
                    await JobSignal.WaitAsync(pulse, _options.PollInterval, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // The queue itself failed (PostgreSQL down, or a claim whose answer was lost): wait a poll interval,
                // hand back whatever the queue still records as this worker's (it runs nothing now), and go on.
                Log.QueueUnavailable(_logger, workerId, exception);
                await Task.Delay(_options.PollInterval, _time, stoppingToken).ConfigureAwait(false);
                await ReleaseClaimsAsync(workerId, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ReleaseClaimsAsync(string workerId, CancellationToken stoppingToken)
    {
        try
        {
            var released = await _queue.ReleaseClaimsAsync(workerId, stoppingToken).ConfigureAwait(false);
            if (released > 0)
            {
                Log.ClaimsReleased(_logger, workerId, released);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException and not OperationCanceledException)
        {
            // Still unreachable: the next failure tries again; a restart or the stale sweep re-queues them otherwise.
            Log.QueueUnavailable(_logger, workerId, exception);
        }
    }

    private async Task RunAsync(QueuedJob job, string workerId, CancellationToken cancellationToken)
    {
        if (!_handlers.TryGetValue(job.Kind, out var handler))
        {
            await _queue.FailAsync(job.Id, workerId, $"No handler for job kind '{job.Kind}'.", CancellationToken.None).ConfigureAwait(false);
            return;
        }

        try
        {
            if (!await RunLeasedAsync(handler, job, workerId, cancellationToken).ConfigureAwait(false))
            {
                // Another worker runs the job now and settles it.
                return;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: hand the job back at once, without counting the attempt against it.
            await _queue.RetryAsync(job.Id, workerId, _time.GetUtcNow(), "Interrupted by shutdown.", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (Exception exception) when (JobFailure.Classify(exception) == JobFailureKind.Permanent)
        {
            var error = JobFailure.Describe(exception);
            Log.FailedPermanently(_logger, job.Kind, job.Id, job.InstanceId, job.Attempt, error);
            await _queue.FailAsync(job.Id, workerId, error, CancellationToken.None).ConfigureAwait(false);
            _metrics?.Record(job.Kind, "failed");
            return;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            var error = JobFailure.Describe(exception);
            if (job.Attempt >= _options.MaxAttempts)
            {
                Log.Failed(_logger, job.Kind, job.Id, job.InstanceId, job.Attempt, error);
                await _queue.FailAsync(job.Id, workerId, error, CancellationToken.None).ConfigureAwait(false);
                _metrics?.Record(job.Kind, "failed");
            }
            else
            {
                var delay = _options.RetryDelay(job.Attempt);
                Log.Retrying(_logger, job.Kind, job.Id, job.Attempt, delay.TotalSeconds, error);
                await _queue.RetryAsync(job.Id, workerId, _time.GetUtcNow() + delay, error, CancellationToken.None).ConfigureAwait(false);
                _metrics?.Record(job.Kind, "retry");
            }

            return;
        }

        await _queue.CompleteAsync(job.Id, workerId, CancellationToken.None).ConfigureAwait(false);
        _metrics?.Record(job.Kind, "done");
        Log.Done(_logger, job.Kind, job.Id, job.InstanceId);
    }

    /// <summary>Runs the handler while its lease is renewed (stopped before the job is settled); false when the lease was lost.</summary>
    private async Task<bool> RunLeasedAsync(IJobHandler handler, QueuedJob job, string workerId, CancellationToken cancellationToken)
    {
        await using var lease = new JobLease(_queue, job.Id, workerId, _options.LeaseRenewInterval, _time, _logger, cancellationToken);
        try
        {
            await handler.HandleAsync(job, lease.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (lease.IsLost && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2000, Level = LogLevel.Debug, Message = "Job {Kind} {JobId} of instance {InstanceId} done")]
        public static partial void Done(ILogger logger, string kind, long jobId, long? instanceId);

        [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Job {Kind} {JobId} attempt {Attempt} failed, retrying in {DelaySeconds:F0} s: {Error}")]
        public static partial void Retrying(ILogger logger, string kind, long jobId, int attempt, double delaySeconds, string error);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Job {Kind} {JobId} of instance {InstanceId} FAILED after attempt {Attempt}: {Error}")]
        public static partial void Failed(ILogger logger, string kind, long jobId, long? instanceId, int attempt, string error);

        [LoggerMessage(EventId = 7200, Level = LogLevel.Error, Message = "Job {Kind} {JobId} of instance {InstanceId} FAILED at attempt {Attempt}, not retried (a retry cannot help): {Error}")]
        public static partial void FailedPermanently(ILogger logger, string kind, long jobId, long? instanceId, int attempt, string error);

        [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Worker {WorkerId} cannot reach the job queue")]
        public static partial void QueueUnavailable(ILogger logger, string workerId, Exception exception);

        [LoggerMessage(EventId = 7930, Level = LogLevel.Warning, Message = "Worker {WorkerId} handed back {Count} jobs the queue still recorded as its own after a queue failure")]
        public static partial void ClaimsReleased(ILogger logger, string workerId, int count);
    }
}
