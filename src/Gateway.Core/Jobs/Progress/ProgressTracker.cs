using Microsoft.Extensions.Logging;

namespace Gateway.Core.Jobs.Progress;

/// <summary>
/// Counts the items of one piece of long work (a backfill, a dry run, a lifecycle batch) from many threads and says
/// where it stands (<see cref="Snapshot"/>); <see cref="LogIfDue"/> writes that to the log at most once per
/// reporting interval, and <see cref="LogFinished"/> once at the end. Time comes from a <see cref="TimeProvider"/>,
/// so tests can move it.
/// </summary>
public sealed partial class ProgressTracker
{
    /// <summary>How often <see cref="LogIfDue"/> logs by default.</summary>
    public static readonly TimeSpan DefaultReportInterval = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly long _reportEveryTicks;
    private long _done;
    private long _total;
    private long _lastReport;

    /// <param name="work">What is being done, for the log ("backfill f16-c1", "lifecycle rule 3").</param>
    /// <param name="total">How many items there are; null while unknown (<see cref="SetTotal"/> later).</param>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> outside tests.</param>
    /// <param name="reportInterval">The least time between two log lines of <see cref="LogIfDue"/>; <see cref="DefaultReportInterval"/> when null.</param>
    public ProgressTracker(string work, long? total, TimeProvider time, TimeSpan? reportInterval = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(work);
        ArgumentNullException.ThrowIfNull(time);
        if (total < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(total), total, "The total cannot be negative.");
        }

        Work = work;
        _time = time;
        _total = total ?? -1;
        _started = time.GetTimestamp();
        _lastReport = _started;
        _reportEveryTicks = (long)((reportInterval ?? DefaultReportInterval).TotalSeconds * time.TimestampFrequency);
    }

    public string Work { get; }

    /// <summary>Counts <paramref name="count"/> more items done (thread-safe).</summary>
    public void Advance(long count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Interlocked.Add(ref _done, count);
    }

    /// <summary>Sets or corrects the number of items (thread-safe).</summary>
    public void SetTotal(long total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        Interlocked.Exchange(ref _total, total);
    }

    public ProgressSnapshot Snapshot()
    {
        var total = Interlocked.Read(ref _total);
        return new ProgressSnapshot(Interlocked.Read(ref _done), total < 0 ? null : total, _time.GetElapsedTime(_started));
    }

    /// <summary>Where it stands now, as <see cref="ProgressSnapshot.ToString"/> writes it (a log argument formatted only when logged).</summary>
    public override string ToString() => Snapshot().ToString();

    /// <summary>Logs the snapshot when the reporting interval has passed since the last line (one caller wins a race); returns whether it did.</summary>
    public bool LogIfDue(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return false;
        }

        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastReport);
        if (now - last < _reportEveryTicks || Interlocked.CompareExchange(ref _lastReport, now, last) != last)
        {
            return false;
        }

        var snapshot = Snapshot();
        Log.Progress(logger, Work, snapshot);
        return true;
    }

    /// <summary>Logs the final count and the time taken.</summary>
    public void LogFinished(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var snapshot = Snapshot();
        var elapsed = ProgressSnapshot.FormatDuration(snapshot.Elapsed);
        var rate = snapshot.PerSecond is { } perSecond ? ProgressSnapshot.FormatRate(perSecond) : "-";
        Log.Finished(logger, Work, snapshot.Done, elapsed, rate);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7970, Level = LogLevel.Information, Message = "{Work}: {Progress}")]
        public static partial void Progress(ILogger logger, string work, ProgressSnapshot progress);

        [LoggerMessage(EventId = 7971, Level = LogLevel.Information, Message = "{Work}: finished, {Done} done in {Elapsed} ({Rate})")]
        public static partial void Finished(ILogger logger, string work, long done, string elapsed, string rate);
    }
}
