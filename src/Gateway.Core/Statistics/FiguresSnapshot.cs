using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Gateway.Core.Statistics;

/// <summary>
/// The last result of one whole-archive computation (the statistics of the console, /api/stats, /api/quality,
/// /metrics), kept in memory and reused while it is valid (docs/console.md, "How fresh the figures are"):
/// <list type="bullet">
/// <item>the archive's change counter (<see cref="IArchiveChanges"/>) has not moved since it was read before the
/// computation, and the UTC day is the same (savings per day): served as current;</item>
/// <item>changed, but younger than <see cref="MaxAge"/>: served with its time, and one refresh starts in the
/// background;</item>
/// <item>older, or none yet: computed for the request.</item>
/// </list>
/// One computation at a time: requests that need one while it runs wait for it, or, when it began before they
/// arrived and the archive changed since, for the next one.
/// </summary>
public sealed partial class FiguresSnapshot<T> : IDisposable
    where T : class
{
    private readonly string _name;
    private readonly Func<CancellationToken, Task<T>> _compute;
    private readonly IArchiveChanges _changes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Computed? _last;
    private Task<Computed>? _computing;
    private long _started;
    private long _computations;

    public FiguresSnapshot(string name, Func<CancellationToken, Task<T>> compute, IArchiveChanges changes, TimeSpan maxAge, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(compute);
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAge, TimeSpan.Zero);
        _name = name;
        _compute = compute;
        _changes = changes;
        MaxAge = maxAge;
        _time = time;
        _logger = logger;
    }

    /// <summary>How long figures of a changed archive may still be served while newer ones are computed; zero: never.</summary>
    public TimeSpan MaxAge { get; }

    /// <summary>The computations finished so far.</summary>
    public long Computations => Interlocked.Read(ref _computations);

    public async Task<Figures<T>> ReadAsync(CancellationToken cancellationToken)
    {
        long arrived;
        lock (_gate)
        {
            arrived = _started;
        }

        while (true)
        {
            if (Volatile.Read(ref _last) is { } last)
            {
                if (await UnchangedAsync(last, cancellationToken).ConfigureAwait(false))
                {
                    return new Figures<T>(last.Value, last.AsOf, Current: true);
                }

                // Computed after this request arrived: as new as figures get, though the archive has changed again.
                if (last.Generation > arrived)
                {
                    return new Figures<T>(last.Value, last.AsOf, Current: false);
                }

                if (_time.GetUtcNow() - last.AsOf < MaxAge)
                {
                    Refresh();
                    return new Figures<T>(last.Value, last.AsOf, Current: false);
                }
            }

            await Computation().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task<bool> UnchangedAsync(Computed last, CancellationToken cancellationToken) =>
        last.Changes is { } changes
        && last.AsOf.UtcDateTime.Date == _time.GetUtcNow().UtcDateTime.Date
        && await _changes.ReadAsync(cancellationToken).ConfigureAwait(false) == changes;

    /// <summary>Starts a computation in the background unless one runs; its failure is logged, the last figures stay.</summary>
    private void Refresh() => _ = Computation().ContinueWith(static task => _ = task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    /// <summary>The computation running, or a new one.</summary>
    private Task<Computed> Computation()
    {
        lock (_gate)
        {
            if (_computing is not { IsCompleted: false })
            {
                _computing = ComputeAsync(++_started);
            }

            return _computing;
        }
    }

    private async Task<Computed> ComputeAsync(long generation)
    {
        await Task.Yield();
        var cancellationToken = _stopping.Token;
        var asOf = _time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        try
        {
            var changes = await _changes.ReadBeforeComputingAsync(cancellationToken).ConfigureAwait(false);
            var value = await _compute(cancellationToken).ConfigureAwait(false);
            var computed = new Computed(value, asOf, changes, generation);
            Volatile.Write(ref _last, computed);
            Interlocked.Increment(ref _computations);
            var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.Computed(_logger, _name, milliseconds, changes is null);
            return computed;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.Failed(_logger, exception, _name, milliseconds);
            throw;
        }
    }

    /// <summary>One computation's result: its figures, when it began, the change counter before it (null: changed from the start), its number.</summary>
    private sealed record Computed(T Value, DateTimeOffset AsOf, long? Changes, long Generation);

    private static partial class Log
    {
        [LoggerMessage(EventId = 8150, Level = LogLevel.Information, Message = "Figures {Name} computed in {Milliseconds:0} ms (a write still open at the start: {ChangedFromStart})")]
        public static partial void Computed(ILogger logger, string name, double milliseconds, bool changedFromStart);

        [LoggerMessage(EventId = 8151, Level = LogLevel.Warning, Message = "Figures {Name} could not be computed (after {Milliseconds:0} ms)")]
        public static partial void Failed(ILogger logger, Exception exception, string name, double milliseconds);
    }
}
