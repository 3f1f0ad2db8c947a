using System.Diagnostics.Metrics;

namespace Gateway.Core.Compression;

/// <summary>
/// Counters of compress job outcomes (the representation stored: latent, latent+residual, j2k-lossy, lossless; or
/// kept) with the reason, the bytes stored per representation (the AI latents kept beside others as "ai-latent"),
/// and the PSNR of lossy representations as measured on the stored bytes, for /metrics.
/// </summary>
public sealed class CompressionMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Gateway.Compression";

    /// <summary>The outcome label of AI latents kept beside another representation.</summary>
    public const string KeptLatentOutcome = "ai-latent";

    private readonly Counter<long> _instances;
    private readonly Counter<long> _bytes;
    private readonly Histogram<double> _psnr;

    public CompressionMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _instances = meter.CreateCounter<long>("gateway.compress.instances", description: "Instances the compress job finished, by outcome and reason");
        _bytes = meter.CreateCounter<long>("gateway.compress.stored_bytes", description: "Bytes of replacements the compress job stored, by outcome");
        _psnr = meter.CreateHistogram<double>("gateway.compress.psnr", unit: "dB", description: "PSNR (worst frame, stored bytes' decode) of lossy representations stored, by outcome");
    }

    public void Record(string outcome, string reason, long storedBytes, QualityMeasure? quality)
    {
        var label = new KeyValuePair<string, object?>("outcome", outcome);
        _instances.Add(1, label, new KeyValuePair<string, object?>("reason", reason));
        if (storedBytes > 0)
        {
            _bytes.Add(storedBytes, label);
        }

        if (quality is { Psnr: var psnr } && double.IsFinite(psnr))
        {
            _psnr.Record(psnr, label);
        }
    }

    /// <summary>Counts the bytes of an AI latent kept beside another representation.</summary>
    public void RecordKeptLatent(long storedBytes) => _bytes.Add(storedBytes, new KeyValuePair<string, object?>("outcome", KeptLatentOutcome));
}
