using System.Diagnostics.Metrics;

namespace Gateway.Core.Jobs;

/// <summary>Counters of finished job attempts by kind and outcome (done, retry, failed), for /metrics.</summary>
public sealed class JobMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Gateway.Jobs";

    private readonly Counter<long> _attempts;

    public JobMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _attempts = meterFactory.Create(MeterName).CreateCounter<long>("gateway.jobs.attempts", description: "Job attempts finished, by kind and outcome");
    }

    public void Record(string kind, string outcome) =>
        _attempts.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));
}
