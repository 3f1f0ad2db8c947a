using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Gateway.Core.Archive;
using Gateway.Core.Jobs;

namespace Gateway.Server.Admin;

/// <summary>
/// Listens to this host's meters (ingest, jobs, and ASP.NET Core's request durations) and keeps running totals for
/// /metrics: counters as sums, histograms as cumulative buckets. Only instruments of this host's meter factory
/// are counted, so several hosts in one process (tests) do not mix.
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    /// <summary>Upper bounds (seconds) of the duration histograms' buckets.</summary>
    public static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    /// <summary>Upper bounds (dB) of the PSNR histogram's buckets.</summary>
    public static readonly double[] PsnrBuckets = [25, 30, 32, 35, 38, 40, 45, 50];

    private static readonly Dictionary<string, (string Name, string Help)> Known = new(StringComparer.Ordinal)
    {
        ["gateway.ingest.instances"] = ("gateway_ingest_instances_total", "Instances received, by path (dimse, stow) and outcome"),
        ["gateway.ingest.bytes"] = ("gateway_ingest_bytes_total", "Bytes of instances stored, by path"),
        ["gateway.ingest.duration"] = ("gateway_ingest_duration_seconds", "Time to store one instance, by path"),
        ["gateway.jobs.attempts"] = ("gateway_job_attempts_total", "Job attempts finished, by kind and outcome (done, retry, failed)"),
        ["gateway.compress.instances"] = ("gateway_compress_instances_total", "Instances the compress job finished, by outcome (latent, latent+residual, j2k-lossy, lossless, kept) and reason"),
        ["gateway.compress.stored_bytes"] = ("gateway_compress_stored_bytes_total", "Bytes of the replacements the compress job stored, by outcome (ai-latent: latents kept beside another representation)"),
        ["gateway.compress.psnr"] = ("gateway_compress_psnr_db", "PSNR (dB, worst frame, decoded from the stored bytes) of the lossy representations stored, by outcome"),
        ["gateway.retrieve.reconstruction.duration"] = ("gateway_reconstruction_duration_seconds", "Time to reconstruct one instance on retrieval (read, verify, decode, build the file), by representation"),
        ["gateway.retrieve.reconstructions"] = ("gateway_reconstructions_total", "Reconstructed instances served, by representation and source (decode, cache)"),
        ["http.server.request.duration"] = ("gateway_http_request_duration_seconds", "HTTP request durations, by method, route and status"),
    };

    private static readonly Dictionary<string, string> LabelNames = new(StringComparer.Ordinal)
    {
        ["path"] = "path",
        ["outcome"] = "outcome",
        ["kind"] = "kind",
        ["reason"] = "reason",
        ["representation"] = "representation",
        ["source"] = "source",
        ["http.request.method"] = "method",
        ["http.route"] = "route",
        ["http.response.status_code"] = "status",
    };

    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<(string Name, string Labels), StrongBox> _counters = new();
    private readonly ConcurrentDictionary<(string Name, string Labels), Histogram> _histograms = new();

    public MetricsCollector(IMeterFactory meterFactory)
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && Known.ContainsKey(instrument.Name))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Writes every counter and histogram seen so far.</summary>
    public void WriteTo(PrometheusWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var group in _counters.GroupBy(entry => entry.Key.Name).OrderBy(group => group.Key, StringComparer.Ordinal))
        {
            writer.Header(group.Key, HelpOf(group.Key), "counter");
            foreach (var (key, value) in group.OrderBy(entry => entry.Key.Labels, StringComparer.Ordinal))
            {
                writer.Sample(key.Name, key.Labels, Interlocked.CompareExchange(ref value.Value, 0, 0));
            }
        }

        foreach (var group in _histograms.GroupBy(entry => entry.Key.Name).OrderBy(group => group.Key, StringComparer.Ordinal))
        {
            writer.Header(group.Key, HelpOf(group.Key), "histogram");
            foreach (var (key, histogram) in group.OrderBy(entry => entry.Key.Labels, StringComparer.Ordinal))
            {
                histogram.WriteTo(writer, key.Name, key.Labels);
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    private static string HelpOf(string name) => Known.Values.First(known => known.Name == name).Help;

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var name = Known[instrument.Name].Name;
        var labels = PrometheusWriter.Labels(Translate(tags));
        if (instrument is Histogram<double>)
        {
            _histograms.GetOrAdd((name, labels), _ => new Histogram(name == "gateway_compress_psnr_db" ? PsnrBuckets : Buckets)).Observe(value);
        }
        else
        {
            var box = _counters.GetOrAdd((name, labels), _ => new StrongBox());
            Interlocked.Add(ref box.Value, (long)value);
        }
    }

    private static List<KeyValuePair<string, string>> Translate(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new List<KeyValuePair<string, string>>();
        foreach (var tag in tags)
        {
            if (LabelNames.TryGetValue(tag.Key, out var label))
            {
                labels.Add(new(label, Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
            }
        }

        labels.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return labels;
    }

    private sealed class StrongBox
    {
        public long Value;
    }

    private sealed class Histogram(double[] bounds)
    {
        private readonly long[] _counts = new long[bounds.Length];
        private readonly Lock _lock = new();
        private long _count;
        private double _sum;

        public void Observe(double value)
        {
            lock (_lock)
            {
                for (var i = 0; i < bounds.Length; i++)
                {
                    if (value <= bounds[i])
                    {
                        _counts[i]++;
                    }
                }

                _count++;
                _sum += value;
            }
        }

        public void WriteTo(PrometheusWriter writer, string name, string labels)
        {
            lock (_lock)
            {
                for (var i = 0; i < bounds.Length; i++)
                {
                    writer.Sample(name + "_bucket", PrometheusWriter.WithLabel(labels, "le", PrometheusWriter.Number(bounds[i])), _counts[i]);
                }

                writer.Sample(name + "_bucket", PrometheusWriter.WithLabel(labels, "le", "+Inf"), _count);
                writer.Sample(name + "_sum", labels, _sum);
                writer.Sample(name + "_count", labels, _count);
            }
        }
    }
}
