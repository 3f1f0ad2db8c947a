using Gateway.Core.Jobs.Progress;
using Gateway.Server.Tests.Operations;

namespace Gateway.Server.Tests.Jobs;

/// <summary>The progress of long work: counts from many threads, rate and ETA by a clock the test moves, and the periodic log line.</summary>
public sealed class ProgressTrackerTests
{
    [Fact]
    public void Rate_and_eta_follow_the_items_done_over_the_time_elapsed()
    {
        var clock = new ManualClock();
        var tracker = new ProgressTracker("backfill", 1000, clock);
        clock.Advance(TimeSpan.FromSeconds(50));
        tracker.Advance(100);

        var snapshot = tracker.Snapshot();
        Assert.Equal(100, snapshot.Done);
        Assert.Equal(900, snapshot.Remaining);
        Assert.Equal(0.1, snapshot.Fraction);
        Assert.Equal(2.0, snapshot.PerSecond);
        Assert.Equal(TimeSpan.FromSeconds(450), snapshot.Eta);
        Assert.Equal("100 of 1000 (10%), 2/s, ETA 8 min", snapshot.ToString());
    }

    [Fact]
    public void Unknown_totals_and_no_items_yet_give_no_eta()
    {
        var clock = new ManualClock();
        var tracker = new ProgressTracker("dry run", null, clock);
        Assert.Null(tracker.Snapshot().PerSecond);
        Assert.Null(tracker.Snapshot().Eta);
        clock.Advance(TimeSpan.FromMinutes(2));
        tracker.Advance(3);
        Assert.Null(tracker.Snapshot().Eta);
        Assert.Equal("3 done, 1.5/min", tracker.Snapshot().ToString());

        tracker.SetTotal(3);
        Assert.Equal(TimeSpan.Zero, tracker.Snapshot().Eta);
        Assert.Equal("3 of 3 (100%), 1.5/min", tracker.Snapshot().ToString());
    }

    [Fact]
    public async Task Counts_from_many_threads_add_up()
    {
        var tracker = new ProgressTracker("lifecycle", 80_000, TimeProvider.System);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                tracker.Advance();
            }
        })));
        Assert.Equal(80_000, tracker.Snapshot().Done);
        Assert.Equal(0, tracker.Snapshot().Remaining);
    }

    [Fact]
    public void It_logs_at_most_once_per_interval_and_once_at_the_end()
    {
        var clock = new ManualClock();
        using var capture = new LogCapture();
        var logger = capture.CreateLogger("progress");
        var tracker = new ProgressTracker("backfill", 10, clock, TimeSpan.FromSeconds(30));

        tracker.Advance(2);
        Assert.False(tracker.LogIfDue(logger));
        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(tracker.LogIfDue(logger));
        Assert.False(tracker.LogIfDue(logger));
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(tracker.LogIfDue(logger));
        clock.Advance(TimeSpan.FromSeconds(1));
        tracker.Advance(8);
        Assert.True(tracker.LogIfDue(logger));
        tracker.LogFinished(logger);

        Assert.Equal(["backfill: 2 of 10 (20%), 4/min, ETA 2 min", "backfill: 10 of 10 (100%), 10/min"], capture.Entries.Where(e => e.EventId == 7970).Select(e => e.Message));
        Assert.Equal("backfill: finished, 10 done in 1 min (10/min)", Assert.Single(capture.Entries, e => e.EventId == 7971).Message);
    }

    [Theory]
    [InlineData(12.4, "13 s")]
    [InlineData(600, "10 min")]
    [InlineData(3 * 3600 + 5 * 60, "3 h 05 min")]
    [InlineData(2 * 86400 + 4 * 3600, "2 d 4 h")]
    public void Durations_read_as_people_say_them(double seconds, string expected) =>
        Assert.Equal(expected, ProgressSnapshot.FormatDuration(TimeSpan.FromSeconds(seconds)));

    /// <summary>A clock that moves only when the test says.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
