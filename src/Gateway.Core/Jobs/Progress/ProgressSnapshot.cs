using System.Globalization;

namespace Gateway.Core.Jobs.Progress;

/// <summary>
/// Where a piece of long work stands: <see cref="Done"/> items of <see cref="Total"/> (null while unknown) after
/// <see cref="Elapsed"/>; the rate is the average over that time, the ETA is what remains at that rate.
/// </summary>
public sealed record ProgressSnapshot(long Done, long? Total, TimeSpan Elapsed)
{
    /// <summary>Items per second over <see cref="Elapsed"/>; null before the first item or the first tick.</summary>
    public double? PerSecond => Done > 0 && Elapsed > TimeSpan.Zero ? Done / Elapsed.TotalSeconds : null;

    /// <summary>Items left; null while the total is unknown.</summary>
    public long? Remaining => Total is { } total ? Math.Max(0, total - Done) : null;

    /// <summary>Done / total in [0, 1]; null while the total is unknown or zero.</summary>
    public double? Fraction => Total is > 0 and var total ? Math.Min(1, (double)Done / total) : null;

    /// <summary>Time to finish at the current rate: zero when nothing remains, null while it cannot be told.</summary>
    public TimeSpan? Eta => Remaining switch
    {
        0 => TimeSpan.Zero,
        { } remaining when PerSecond is { } rate => TimeSpan.FromSeconds(Math.Min(remaining / rate, TimeSpan.MaxValue.TotalSeconds / 2)),
        _ => null,
    };

    /// <summary>"120 of 500 (24%), 3.2/s, ETA 2 min" (parts that cannot be told are left out).</summary>
    public override string ToString()
    {
        var text = Total is { } total
            ? string.Create(CultureInfo.InvariantCulture, $"{Done} of {total} ({Fraction ?? 1:0%})")
            : string.Create(CultureInfo.InvariantCulture, $"{Done} done");
        if (PerSecond is { } rate)
        {
            text += ", " + FormatRate(rate);
        }

        return Eta is { } eta && Remaining > 0 ? text + ", ETA " + FormatDuration(eta) : text;
    }

    /// <summary>"3.2/s" at one per second or more, "14/min" or "0.5/h" below.</summary>
    public static string FormatRate(double perSecond) => perSecond switch
    {
        >= 1 => string.Create(CultureInfo.InvariantCulture, $"{perSecond:0.#}/s"),
        >= 1.0 / 60 => string.Create(CultureInfo.InvariantCulture, $"{perSecond * 60:0.#}/min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{perSecond * 3600:0.##}/h"),
    };

    /// <summary>"45 s", "12 min", "3 h 05 min", "2 d 4 h".</summary>
    public static string FormatDuration(TimeSpan duration) => duration switch
    {
        { TotalSeconds: < 60 } => string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(Math.Max(0, duration.TotalSeconds)):0} s"),
        { TotalMinutes: < 60 } => string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(duration.TotalMinutes):0} min"),
        { TotalHours: < 24 } => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours} h {duration.Minutes:00} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalDays} d {duration.Hours} h"),
    };
}
