using System.Diagnostics;

namespace Gateway.Bench;

/// <summary>The times of the measured iterations of one benchmark case, in milliseconds.</summary>
internal sealed record Measurement(IReadOnlyList<double> Milliseconds)
{
    public double Median => MedianOf(Milliseconds);

    public static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public double Min => Milliseconds.Min();

    /// <summary>
    /// Runs <paramref name="action"/> unmeasured at least <paramref name="warmup"/> times and for at least
    /// <paramref name="warmupTime"/> (tiered JIT promotes hot methods to optimised code only after a quiet spell
    /// of about 100 ms; until then a .NET loop runs partly unoptimised), then <paramref name="iterations"/> times,
    /// each timed on its own with a <see cref="Stopwatch"/>. A full garbage collection before the measured loop
    /// keeps garbage of the warm-up from being collected inside it.
    /// </summary>
    public static Measurement Run(Action action, int warmup, TimeSpan warmupTime, int iterations)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var warmupStart = Stopwatch.GetTimestamp();
        for (var i = 0; i < warmup || Stopwatch.GetElapsedTime(warmupStart) < warmupTime; i++)
        {
            action();
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var times = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        return new Measurement(times);
    }
}
