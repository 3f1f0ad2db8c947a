using System.Diagnostics.Metrics;
using Gateway.Core.Archive;

namespace Gateway.Core.Retrieve;

/// <summary>
/// Reconstructions for /metrics: the time each decode took (read, verify and decode the stored objects, build the
/// Part 10 file), by representation, and the reconstructions served by source (decode, cache).
/// </summary>
public sealed class RetrieveMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Gateway.Retrieve";

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _served;

    public RetrieveMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _duration = meter.CreateHistogram<double>("gateway.retrieve.reconstruction.duration", unit: "s", description: "Time to reconstruct one instance, by representation");
        _served = meter.CreateCounter<long>("gateway.retrieve.reconstructions", description: "Reconstructed instances served, by representation and source (decode, cache)");
    }

    public void Decoded(StorageKind kind, TimeSpan elapsed)
    {
        var representation = Representation(kind);
        _duration.Record(elapsed.TotalSeconds, representation);
        _served.Add(1, representation, new KeyValuePair<string, object?>("source", "decode"));
    }

    public void FromCache(StorageKind kind) => _served.Add(1, Representation(kind), new KeyValuePair<string, object?>("source", "cache"));

    private static KeyValuePair<string, object?> Representation(StorageKind kind) => new("representation", kind switch
    {
        StorageKind.LatentResidual => "latent+residual",
        StorageKind.J2kLossy => "j2k-lossy",
        StorageKind.Latent3D => "latent3d",
        StorageKind.AiLatent => "ai-latent",
        _ => kind.ToString().ToLowerInvariant(),
    });
}
