using Gateway.Core.Statistics;
using Npgsql;

namespace Gateway.Server.Admin;

/// <summary>
/// GET /metrics in the Prometheus text format: the counters of this process (instances received by path and
/// outcome, bytes, job attempts, HTTP request durations) and gauges read from PostgreSQL at scrape time (archive
/// totals, jobs by kind and state; gateway_database_up 0 when it does not answer). Admins only on the main port;
/// the management port (<see cref="Hosting.ManagementPort"/>) serves the same scrape without a token.
/// </summary>
public static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Created now, so that it listens from the start rather than from the first scrape.
        endpoints.ServiceProvider.GetRequiredService<MetricsCollector>();
        endpoints.MapGet("/metrics", ScrapeAsync);
        return endpoints;
    }

    /// <summary>One scrape: this process's counters, then the archive's gauges when PostgreSQL answers.</summary>
    public static async Task<IResult> ScrapeAsync(MetricsCollector collector, IArchiveStatistics statistics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collector);
        ArgumentNullException.ThrowIfNull(statistics);
        var writer = new PrometheusWriter();
        collector.WriteTo(writer);
        ArchiveStatistics? current = null;
        try
        {
            current = await statistics.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // Reported as gateway_database_up 0.
        }

        writer.Header("gateway_database_up", "Whether PostgreSQL answered this scrape", "gauge");
        writer.Sample("gateway_database_up", string.Empty, current is null ? 0 : 1);
        if (current is not null)
        {
            WriteArchive(writer, current);
        }

        return Results.Text(writer.ToString(), PrometheusWriter.ContentType);
    }

    private static void WriteArchive(PrometheusWriter writer, ArchiveStatistics statistics)
    {
        writer.Header("gateway_instances", "Instances in the archive, by modality", "gauge");
        foreach (var (modality, totals) in statistics.ByModality)
        {
            writer.Sample("gateway_instances", PrometheusWriter.Labels([new("modality", modality)]), totals.Instances);
        }

        writer.Header("gateway_original_bytes", "Original (uncompressed pixel) bytes of the archived instances", "gauge");
        writer.Sample("gateway_original_bytes", string.Empty, statistics.Totals.OriginalBytes);
        writer.Header("gateway_stored_bytes", "Bytes the archive's objects take, by storage kind", "gauge");
        foreach (var kind in statistics.ByStorageKind)
        {
            writer.Sample("gateway_stored_bytes", PrometheusWriter.Labels([new("kind", kind.Kind)]), kind.Totals.StoredBytes);
        }

        writer.Header("gateway_model_bytes", "Original pixel bytes and latent bytes of the instances stored as latents, by model", "gauge");
        foreach (var (model, totals) in statistics.ByModel)
        {
            writer.Sample("gateway_model_bytes", PrometheusWriter.Labels([new("model", model), new("bytes", "original")]), totals.OriginalBytes);
            writer.Sample("gateway_model_bytes", PrometheusWriter.Labels([new("model", model), new("bytes", "stored")]), totals.StoredBytes);
        }

        writer.Header("gateway_compression_instances", "Instances by compress outcome (latent, lossless, kept, pending)", "gauge");
        foreach (var (outcome, count) in statistics.ByCompression)
        {
            writer.Sample("gateway_compression_instances", PrometheusWriter.Labels([new("outcome", outcome)]), count);
        }

        writer.Header("gateway_latent_psnr_instances", "Latent instances by PSNR bucket (dB, worst frame)", "gauge");
        foreach (var bucket in statistics.Psnr.Buckets)
        {
            writer.Sample("gateway_latent_psnr_instances", PrometheusWriter.Labels([new("bucket", bucket.Label)]), bucket.Count);
        }

        writer.Header("gateway_jobs", "Jobs in the work queue, by kind and state", "gauge");
        foreach (var job in statistics.Jobs)
        {
            writer.Sample("gateway_jobs", PrometheusWriter.Labels([new("kind", job.Kind), new("state", job.State)]), job.Count);
        }
    }
}
