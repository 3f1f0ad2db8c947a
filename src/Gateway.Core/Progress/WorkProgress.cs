namespace Gateway.Core.Progress;

/// <summary>
/// How far a bounded piece of work has come: items done of a known total, since when, the rate so far and the time
/// left at that rate. Thread-safe to advance and read. (The minimal one the models page's dry run needs; issue 17's
/// progress display may replace it with a shared type.)
/// </summary>
public sealed class WorkProgress(long total, TimeProvider time)
{
    private readonly DateTimeOffset _started = time.GetUtcNow();
    private long _done;

    public long Total { get; } = total;

    public long Done => Interlocked.Read(ref _done);

    public DateTimeOffset Started => _started;

    public void Advance() => Interlocked.Increment(ref _done);

    /// <summary>Items per second so far; null before the first.</summary>
    public double? Rate
    {
        get
        {
            var seconds = (time.GetUtcNow() - _started).TotalSeconds;
            var done = Done;
            return done == 0 || seconds <= 0 ? null : done / seconds;
        }
    }

    /// <summary>The time left at <see cref="Rate"/>; zero when done, null before the first item.</summary>
    public TimeSpan? Eta
    {
        get
        {
            var left = Total - Done;
            return left <= 0 ? TimeSpan.Zero : Rate is { } rate ? TimeSpan.FromSeconds(left / rate) : null;
        }
    }

    public override string ToString() => FormattableString.Invariant(
        $"{Done}/{Total}, {(Rate is { } rate ? $"{rate:F2}/s" : "-")}, ETA {(Eta is { } eta ? $"{eta.TotalSeconds:F0} s" : "-")}");
}
