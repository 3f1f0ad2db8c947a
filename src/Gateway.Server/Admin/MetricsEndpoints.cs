using Gateway.Core.Jobs;
using Gateway.Core.Statistics;
using Gateway.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Admin;

/// <summary>
/// GET /metrics in the Prometheus text format: the counters of this process (instances received by path and
/// outcome, bytes, job attempts, compress outcomes, reconstructions, HTTP request durations), this node's workers and
/// data disk, and the gauges read from PostgreSQL (<see cref="GaugeCache"/>: at most one read per few seconds;
/// gateway_database_up 0 when it does not answer). Admins only on the main port; the management port
/// (<see cref="ManagementPort"/>) serves the same scrape without a token. docs/metrics.md lists every metric.
/// </summary>
public static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Created now, so that it listens from the start rather than from the first scrape.
        endpoints.ServiceProvider.GetRequiredService<MetricsCollector>();
        endpoints.MapGet("/metrics", (IServiceProvider services, CancellationToken cancellationToken) => ScrapeAsync(services, cancellationToken));
        return endpoints;
    }

    /// <summary>One scrape: this process's counters and node gauges, then the archive's gauges when PostgreSQL answers.</summary>
    public static async Task<IResult> ScrapeAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var writer = new PrometheusWriter();
        services.GetRequiredService<MetricsCollector>().WriteTo(writer);
        WriteNode(writer, services.GetRequiredService<JobOptions>(), services.GetRequiredService<IOptions<GatewayOptions>>().Value);
        var gauges = await services.GetRequiredService<GaugeCache>().ReadAsync(cancellationToken).ConfigureAwait(false);
        writer.Header("gateway_database_up", "Whether PostgreSQL answered the latest read of the gauges", "gauge");
        writer.Sample("gateway_database_up", string.Empty, gauges is null ? 0 : 1);
        if (gauges is not null)
        {
            WriteArchive(writer, gauges);
            WriteQueue(writer, gauges.Queue);
        }

        return Results.Text(writer.ToString(), PrometheusWriter.ContentType);
    }

    private static void WriteNode(PrometheusWriter writer, JobOptions jobs, GatewayOptions options)
    {
        writer.Header("gateway_job_workers", "Queue workers this process runs (0: a node that only receives)", "gauge");
        writer.Sample("gateway_job_workers", string.Empty, jobs.Workers);
        var folders = DataDiskSpace.Folders(options).Where(folder => Directory.Exists(folder.Path)).Select(folder => (folder.Name, Drive: new DriveInfo(Path.GetFullPath(folder.Path)))).ToList();
        writer.Header("gateway_data_free_bytes", "Bytes free to the gateway on the file system of each data folder", "gauge");
        foreach (var (name, drive) in folders)
        {
            writer.Sample("gateway_data_free_bytes", PrometheusWriter.Labels([new("folder", name)]), drive.AvailableFreeSpace);
        }

        writer.Header("gateway_data_size_bytes", "Size of the file system of each data folder", "gauge");
        foreach (var (name, drive) in folders)
        {
            writer.Sample("gateway_data_size_bytes", PrometheusWriter.Labels([new("folder", name)]), drive.TotalSize);
        }

        writer.Header("gateway_data_min_free_bytes", "Gateway:MinFreeDiskBytes: below it the gateway refuses new instances", "gauge");
        writer.Sample("gateway_data_min_free_bytes", string.Empty, options.MinFreeDiskBytes);
    }

    private static void WriteArchive(PrometheusWriter writer, OperationalGauges gauges)
    {
        writer.Header("gateway_instances", "Instances in the archive, by modality", "gauge");
        foreach (var group in gauges.ByModality)
        {
            writer.Sample("gateway_instances", PrometheusWriter.Labels([new("modality", group.Name)]), group.Instances);
        }

        writer.Header("gateway_original_bytes", "Original (uncompressed pixel) bytes of the archived instances", "gauge");
        writer.Sample("gateway_original_bytes", string.Empty, gauges.ByModality.Sum(group => group.OriginalBytes));
        writer.Header("gateway_stored_objects", "Stored objects, by storage kind (latent3d: series latents, one per series volume)", "gauge");
        foreach (var kind in gauges.Stored)
        {
            writer.Sample("gateway_stored_objects", PrometheusWriter.Labels([new("kind", kind.Kind)]), kind.Objects);
        }

        writer.Header("gateway_stored_bytes", "Bytes the archive's objects take, by storage kind", "gauge");
        foreach (var kind in gauges.Stored)
        {
            writer.Sample("gateway_stored_bytes", PrometheusWriter.Labels([new("kind", kind.Kind)]), kind.Bytes);
        }

        writer.Header("gateway_database_bytes", "Size of the index database on disk", "gauge");
        writer.Sample("gateway_database_bytes", string.Empty, gauges.DatabaseBytes);
        writer.Header("gateway_representation_instances", "Instances by the representation they are served from (original while not replaced)", "gauge");
        foreach (var group in gauges.ByRepresentation)
        {
            writer.Sample("gateway_representation_instances", PrometheusWriter.Labels([new("representation", group.Name)]), group.Instances);
        }

        writer.Header("gateway_representation_original_bytes", "Original pixel bytes of the instances served from each representation", "gauge");
        foreach (var group in gauges.ByRepresentation)
        {
            writer.Sample("gateway_representation_original_bytes", PrometheusWriter.Labels([new("representation", group.Name)]), group.OriginalBytes);
        }

        writer.Header("gateway_model_bytes", "Original pixel bytes and latent bytes of the instances stored as latents, by model", "gauge");
        foreach (var (model, totals) in gauges.ByModel)
        {
            writer.Sample("gateway_model_bytes", PrometheusWriter.Labels([new("model", model), new("bytes", "original")]), totals.OriginalBytes);
            writer.Sample("gateway_model_bytes", PrometheusWriter.Labels([new("model", model), new("bytes", "stored")]), totals.StoredBytes);
        }

        writer.Header("gateway_compression_instances", "Instances by compress outcome (the representation, kept, pending)", "gauge");
        foreach (var (outcome, count) in gauges.ByCompression.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            writer.Sample("gateway_compression_instances", PrometheusWriter.Labels([new("outcome", outcome)]), count);
        }

        writer.Header("gateway_latent_psnr_instances", "Latent instances by PSNR bucket (dB, worst frame)", "gauge");
        foreach (var bucket in gauges.Psnr.Buckets)
        {
            writer.Sample("gateway_latent_psnr_instances", PrometheusWriter.Labels([new("bucket", bucket.Label)]), bucket.Count);
        }

        writer.Header("gateway_gate_tried_instances", "Compressed instances whose job tried a lossy representation, by modality (all: every modality)", "gauge");
        foreach (var gate in gauges.Gate)
        {
            writer.Sample("gateway_gate_tried_instances", GateLabels(gate), gate.Tried);
        }

        writer.Header("gateway_gate_passed_instances", "Of those, the instances stored lossy (one representation met the target), by modality", "gauge");
        foreach (var gate in gauges.Gate)
        {
            writer.Sample("gateway_gate_passed_instances", GateLabels(gate), gate.Passed);
        }

        writer.Header("gateway_gate_pass_ratio", "Passed / tried, by modality (absent while none was tried)", "gauge");
        foreach (var gate in gauges.Gate.Where(gate => gate.Rate is not null))
        {
            writer.Sample("gateway_gate_pass_ratio", GateLabels(gate), gate.Rate!.Value);
        }
    }

    private static void WriteQueue(PrometheusWriter writer, QueueState queue)
    {
        writer.Header("gateway_jobs", "Jobs in the work queue, by kind and state (done: every job done so far)", "gauge");
        foreach (var job in queue.Jobs)
        {
            writer.Sample("gateway_jobs", PrometheusWriter.Labels([new("kind", job.Kind), new("state", job.State)]), job.Count);
        }

        writer.Header("gateway_queue_oldest_ready_seconds", "Seconds the oldest due queued job of each kind has waited (0: none waiting)", "gauge");
        foreach (var kind in queue.Kinds)
        {
            writer.Sample("gateway_queue_oldest_ready_seconds", PrometheusWriter.Labels([new("kind", kind)]), queue.OldestReadySeconds.GetValueOrDefault(kind));
        }
    }

    private static string GateLabels(GatePassRate gate) => PrometheusWriter.Labels([new("modality", gate.Modality.Length == 0 ? "all" : gate.Modality)]);
}
