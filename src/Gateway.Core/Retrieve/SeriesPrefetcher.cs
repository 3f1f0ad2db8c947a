using System.Threading.Channels;
using Gateway.Core.Archive;
using Microsoft.Extensions.Logging;

namespace Gateway.Core.Retrieve;

/// <summary>
/// Reconstructs the rest of a series in the background once a viewer has opened one of its reconstructed instances,
/// so the next images come from the cache: one series at a time, one instance at a time, from a bounded queue of
/// series (a series already waiting is not queued twice; a full queue drops the request), stopped with the gateway.
/// </summary>
internal sealed partial class SeriesPrefetcher
{
    private readonly Channel<RetrieveScope> _queue;
    private readonly HashSet<RetrieveScope> _pending = [];
    private readonly Lock _pendingLock = new();
    private readonly RetrieveService _retrieve;
    private readonly ILogger _logger;
    private readonly bool _enabled;

    public SeriesPrefetcher(RetrieveService retrieve, int queueCapacity, bool enabled, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queueCapacity);
        _retrieve = retrieve;
        _logger = logger;
        _enabled = enabled;
        _queue = Channel.CreateBounded<RetrieveScope>(new BoundedChannelOptions(queueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>Queues the other instances of <paramref name="instance"/>'s series for reconstruction.</summary>
    public void QueueSeriesOf(ArchivedInstance instance)
    {
        if (!_enabled)
        {
            return;
        }

        var series = new RetrieveScope(instance.StudyInstanceUid, instance.SeriesInstanceUid);
        lock (_pendingLock)
        {
            if (!_pending.Add(series))
            {
                return;
            }

            if (!_queue.Writer.TryWrite(series))
            {
                _pending.Remove(series);
                Log.QueueFull(_logger, series.SeriesInstanceUid!);
            }
        }
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        await foreach (var series in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await PrefetchAsync(series, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.Failed(_logger, series.SeriesInstanceUid!, exception.Message);
            }
            finally
            {
                lock (_pendingLock)
                {
                    _pending.Remove(series);
                }
            }
        }
    }

    private async Task PrefetchAsync(RetrieveScope series, CancellationToken cancellationToken)
    {
        var instances = await _retrieve.LocateAsync(series, cancellationToken).ConfigureAwait(false);
        var done = 0;
        foreach (var instance in instances)
        {
            try
            {
                if (await _retrieve.PrefetchAsync(instance, cancellationToken).ConfigureAwait(false))
                {
                    done++;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.InstanceFailed(_logger, instance.SopInstanceUid, exception.Message);
            }
        }

        Log.Prefetched(_logger, done, series.SeriesInstanceUid!);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2620, Level = LogLevel.Information, Message = "Prefetch reconstructed {Count} instances of series {SeriesInstanceUid}")]
        public static partial void Prefetched(ILogger logger, int count, string seriesInstanceUid);

        [LoggerMessage(EventId = 2621, Level = LogLevel.Warning, Message = "Prefetch queue is full; series {SeriesInstanceUid} is not prefetched")]
        public static partial void QueueFull(ILogger logger, string seriesInstanceUid);

        [LoggerMessage(EventId = 2622, Level = LogLevel.Warning, Message = "Prefetch of series {SeriesInstanceUid} failed: {Reason}")]
        public static partial void Failed(ILogger logger, string seriesInstanceUid, string reason);

        [LoggerMessage(EventId = 2623, Level = LogLevel.Warning, Message = "Prefetch could not reconstruct {SopInstanceUid}: {Reason}")]
        public static partial void InstanceFailed(ILogger logger, string sopInstanceUid, string reason);
    }
}
