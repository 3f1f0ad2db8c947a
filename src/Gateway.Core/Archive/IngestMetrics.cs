using System.Diagnostics.Metrics;

namespace Gateway.Core.Archive;

/// <summary>
/// Counters of what ingest did, by path ("dimse" for C-STORE, "stow" for STOW-RS): instances by outcome, bytes
/// received, and the time each store took. Read by the /metrics endpoint through a meter listener.
/// </summary>
public sealed class IngestMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Gateway.Ingest";

    private readonly Counter<long> _instances;
    private readonly Counter<long> _bytes;
    private readonly Histogram<double> _duration;

    public IngestMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _instances = meter.CreateCounter<long>("gateway.ingest.instances", description: "Instances received, by path and outcome");
        _bytes = meter.CreateCounter<long>("gateway.ingest.bytes", unit: "By", description: "Bytes of instances stored, by path");
        _duration = meter.CreateHistogram<double>("gateway.ingest.duration", unit: "s", description: "Time to store one instance, by path");
    }

    /// <summary>Records one received instance; <paramref name="bytes"/> counts only when it was stored.</summary>
    public void Record(string path, string outcome, long bytes, TimeSpan elapsed)
    {
        var pathTag = new KeyValuePair<string, object?>("path", path);
        _instances.Add(1, pathTag, new KeyValuePair<string, object?>("outcome", outcome));
        if (outcome == "stored")
        {
            _bytes.Add(bytes, pathTag);
        }

        _duration.Record(elapsed.TotalSeconds, pathTag);
    }
}
