using System.ComponentModel.DataAnnotations;

namespace Gateway.Core.Lifecycle;

/// <summary>
/// Section Gateway:Lifecycle (docs/decisions/lifecycle.md): age-based rules that move stored instances to a cheaper
/// representation, applied by the lifecycle job in batches that the scheduler queues one at a time.
/// </summary>
public sealed class LifecycleOptions
{
    public const string SectionName = "Gateway:Lifecycle";

    /// <summary>Queue batches on the schedule; off leaves the page and the "run a batch now" button.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the scheduler looks for a batch to queue (when none is running).</summary>
    [Range(1, 604800)]
    public double IntervalSeconds { get; set; } = 3600;

    /// <summary>The most instances one batch queues.</summary>
    [Range(1, 100000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>The rules; the oldest age an instance has reached among the rules that match it decides.</summary>
    public List<LifecycleRule> Rules { get; init; } = [];

    public TimeSpan Interval => TimeSpan.FromSeconds(IntervalSeconds);
}
