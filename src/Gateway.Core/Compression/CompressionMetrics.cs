using System.Diagnostics.Metrics;

namespace Gateway.Core.Compression;

/// <summary>Counters of compress job outcomes (latent, lossless, kept) with the reason, for /metrics.</summary>
public sealed class CompressionMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Gateway.Compression";

    private readonly Counter<long> _instances;
    private readonly Counter<long> _bytes;

    public CompressionMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _instances = meter.CreateCounter<long>("gateway.compress.instances", description: "Instances the compress job finished, by outcome and reason");
        _bytes = meter.CreateCounter<long>("gateway.compress.stored_bytes", description: "Bytes of replacements the compress job stored, by outcome");
    }

    public void Record(string outcome, string reason, long storedBytes)
    {
        _instances.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("reason", reason));
        if (storedBytes > 0)
        {
            _bytes.Add(storedBytes, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}
