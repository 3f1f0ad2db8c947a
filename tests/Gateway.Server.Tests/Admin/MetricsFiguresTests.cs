using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Server.Tests.Compression;

namespace Gateway.Server.Tests.Admin;

/// <summary>
/// /metrics after real instances were stored and compressed with the real models and one was retrieved twice: every
/// PostgreSQL gauge against the test's own account from the index rows and the object files, the compress and
/// reconstruction counters, the cache of the gauges, the jobs page's queue progress, and every metric the alert rules
/// and the Grafana dashboard in deploy/ name.
/// </summary>
public sealed partial class MetricsFiguresTests(PostgresCluster cluster)
{
    private const string MrFolder = "dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes";
    private const string Ct = "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm";

    [Fact]
    public async Task The_scraped_figures_equal_the_index_and_the_files_and_every_metric_deploy_names_is_exported()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var gateway = await CompressionGateway.StartAsync(cluster, new Dictionary<string, string?>
        {
            ["Compression:Rules:0:Modalities:0"] = "CT",
            ["Compression:Rules:0:Modalities:1"] = "MR",
            ["Compression:Rules:0:Action"] = "Latent",
            ["ReconstructionPrefetch"] = "false",
        });
        gateway.RequireEngine();
        var mr = Enumerable.Range(1, 4).Select(n => TestData.RequireSharedData($"{MrFolder}/{n.ToString(CultureInfo.InvariantCulture)}.dcm")).ToArray();
        await gateway.StowAsync([.. mr[..3], TestData.RequireSharedData(Ct)]);
        await gateway.DrainAsync();
        await gateway.StowAsync(mr[3]);
        await gateway.ScalarAsync("insert into jobs (kind, run_after) values ('metrics-test', now() - interval '10 minutes') returning 0");

        var latent = await RowsAsync(gateway, "select study_instance_uid, series_instance_uid, sop_instance_uid, compression from instances where state = 'compressed' order by id limit 1");
        Assert.True(latent.Count == 1, "no instance was compressed");
        var (study, series, sop, representation) = (latent[0][0], latent[0][1], latent[0][2], latent[0][3]);
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"dicomweb/studies/{study}/series/{series}/instances/{sop}");
            request.Headers.TryAddWithoutValidation("Accept", "multipart/related; type=\"application/dicom\"");
            using var response = await gateway.Gateway.Http.SendAsync(request, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var samples = StatsAndMetricsTests.ParseSamples(await gateway.Gateway.Http.GetStringAsync(new Uri("metrics", UriKind.Relative), cancellationToken));
        var checks = new List<string>();

        // Objects per kind: counted from the rows, bytes from the object files.
        var objects = await RowsAsync(gateway, "select o.kind, o.object_key from objects o join instances i on i.id = o.instance_fk where i.state <> 'receiving'");
        foreach (var kind in objects.GroupBy(row => row[0]))
        {
            Check(checks, samples, $"gateway_stored_objects{{kind=\"{kind.Key}\"}}", kind.Count());
            Check(checks, samples, $"gateway_stored_bytes{{kind=\"{kind.Key}\"}}", kind.Sum(row => new FileInfo(gateway.Probe.ObjectPath(row[1])).Length));
        }

        Check(checks, samples, "gateway_stored_bytes", gateway.Probe.ObjectFiles().Sum(path => new FileInfo(path).Length), sum: true);

        // Instances per modality, representation and compress outcome.
        var instances = await RowsAsync(gateway, "select coalesce(nullif(s.modality, ''), '(none)'), i.state, coalesce(i.compression, ''), i.original_bytes, coalesce(i.compression_candidates::text, '') from instances i left join series s on s.id = i.series_fk where i.state <> 'receiving'");
        Assert.Equal(5, instances.Count);
        foreach (var modality in instances.GroupBy(row => row[0]))
        {
            Check(checks, samples, $"gateway_instances{{modality=\"{modality.Key}\"}}", modality.Count());
        }

        Check(checks, samples, "gateway_original_bytes", instances.Sum(row => long.Parse(row[3], CultureInfo.InvariantCulture)));
        foreach (var served in instances.GroupBy(row => row[1] == "compressed" ? row[2] : "original"))
        {
            Check(checks, samples, $"gateway_representation_instances{{representation=\"{served.Key}\"}}", served.Count());
            Check(checks, samples, $"gateway_representation_original_bytes{{representation=\"{served.Key}\"}}", served.Sum(row => long.Parse(row[3], CultureInfo.InvariantCulture)));
        }

        foreach (var outcome in instances.GroupBy(row => row[2].Length == 0 ? "pending" : row[2]))
        {
            Check(checks, samples, $"gateway_compression_instances{{outcome=\"{outcome.Key}\"}}", outcome.Count());
        }

        // The compress counters of this process: one per compressed instance, by outcome.
        foreach (var outcome in instances.Where(row => row[1] == "compressed").GroupBy(row => row[2]))
        {
            Check(checks, samples, $"gateway_compress_instances_total{{outcome=\"{outcome.Key}\"", outcome.Count(), sum: true);
        }

        // The quality gate from the candidates' JSON: instances that tried a lossy candidate, and those stored lossy.
        var tried = instances.Where(row => row[1] == "compressed" && JsonNode.Parse(row[4] is { Length: > 0 } json ? json : "{}")?["candidates"] is JsonArray candidates
            && candidates.Any(candidate => candidate is JsonArray trial && trial[0]!.GetValue<string>() != "lossless")).ToList();
        Assert.True(tried.Count > 0, "no compress job tried a lossy candidate");
        var passed = tried.Count(row => row[2] is "latent" or "latent+residual" or "j2k-lossy");
        Check(checks, samples, "gateway_gate_tried_instances{modality=\"all\"}", tried.Count);
        Check(checks, samples, "gateway_gate_passed_instances{modality=\"all\"}", passed);
        Check(checks, samples, "gateway_gate_pass_ratio{modality=\"all\"}", (double)passed / tried.Count);
        foreach (var modality in tried.GroupBy(row => row[0]))
        {
            Check(checks, samples, $"gateway_gate_tried_instances{{modality=\"{modality.Key}\"}}", modality.Count());
        }

        // The queue: jobs per kind and state, done ones from job_totals; the wait of the oldest due job.
        var jobs = await RowsAsync(gateway, "select kind, state, count(*) from jobs group by 1, 2 union all select kind, 'done', done from job_totals");
        foreach (var job in jobs)
        {
            Check(checks, samples, $"gateway_jobs{{kind=\"{job[0]}\",state=\"{job[1]}\"}}", long.Parse(job[2], CultureInfo.InvariantCulture));
        }

        var waited = samples.GetValueOrDefault("gateway_queue_oldest_ready_seconds{kind=\"metrics-test\"}");
        checks.Add(waited is >= 600 and < 660 ? string.Empty : $"oldest ready metrics-test job: {waited} s, not 600-660");
        Check(checks, samples, "gateway_database_up", 1);
        Check(checks, samples, "gateway_job_workers", 0);
        var free = new DriveInfo(gateway.Probe.ObjectsDirectory).AvailableFreeSpace;
        var scrapedFree = samples.GetValueOrDefault("gateway_data_free_bytes{folder=\"objects\"}");
        checks.Add(Math.Abs(scrapedFree - free) < 256 << 20 ? string.Empty : $"objects folder free: {scrapedFree} scraped, {free} now");

        // One decode, then the cache.
        Check(checks, samples, $"gateway_reconstruction_duration_seconds_count{{representation=\"{representation}\"}}", 1);
        Check(checks, samples, $"gateway_reconstructions_total{{representation=\"{representation}\",source=\"decode\"}}", 1);
        Check(checks, samples, $"gateway_reconstructions_total{{representation=\"{representation}\",source=\"cache\"}}", 1);
        Assert.True(checks.All(check => check.Length == 0), string.Join("\n", checks.Where(check => check.Length > 0)));

        // The gauges are read at most once per GaugeCache.MaxAge: a job queued just after a read shows only after that.
        // The test times each read-insert-read itself and counts it only when it took less than MaxAge (a loaded
        // machine may stall longer, then the second read is rightly a new one), at most three tries.
        const string Queued = "gateway_jobs{kind=\"metrics-test\",state=\"queued\"}";
        async Task<double> ScrapeQueuedAsync() =>
            StatsAndMetricsTests.ParseSamples(await gateway.Gateway.Http.GetStringAsync(new Uri("metrics", UriKind.Relative), cancellationToken))[Queued];
        var timed = false;
        for (var attempt = 0; attempt < 3 && !timed; attempt++)
        {
            await Task.Delay(Gateway.Server.Admin.GaugeCache.MaxAge, cancellationToken);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var before = await ScrapeQueuedAsync();
            await gateway.ScalarAsync("insert into jobs (kind) values ('metrics-test') returning 0");
            var again = await ScrapeQueuedAsync();
            if (clock.Elapsed < Gateway.Server.Admin.GaugeCache.MaxAge)
            {
                Assert.Equal(before, again);
                timed = true;
            }
        }

        Assert.True(timed, $"three read-insert-read sequences each took longer than {Gateway.Server.Admin.GaugeCache.MaxAge}");
        var queued = await gateway.ScalarAsync("select count(*) from jobs where kind = 'metrics-test' and state = 'queued'");
        Assert.True(queued >= 2, $"{queued} queued metrics-test jobs");
        await Task.Delay(Gateway.Server.Admin.GaugeCache.MaxAge, cancellationToken);
        Assert.Equal((double)queued, await ScrapeQueuedAsync());

        // The jobs page: per kind, the jobs done since this node began counting (it started before any ran) and those waiting.
        var page = await gateway.Gateway.Http.GetStringAsync(new Uri("console/jobs", UriKind.Relative), cancellationToken);
        var figures = FigurePattern().Matches(page).ToDictionary(match => match.Groups[1].Value, match => match.Groups[2].Value, StringComparer.Ordinal);
        foreach (var job in jobs.Where(job => job[1] == "done"))
        {
            Assert.Equal(job[2], figures[$"drain.{job[0]}.done"]);
        }

        Assert.Equal(queued.ToString(CultureInfo.InvariantCulture), figures["drain.metrics-test.waiting"]);
        Assert.Equal("0", figures["drain.metrics-test.done"]);

        // Every metric the alert rules and the dashboard name is one this gateway exports.
        var exported = samples.Keys.Select(key => Regex.Replace(key, "\\{.*$", string.Empty)).SelectMany(name => new[] { name, Regex.Replace(name, "_(bucket|sum|count)$", string.Empty) }).ToHashSet(StringComparer.Ordinal);
        var root = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "deploy");
        foreach (var file in new[] { "prometheus/alerts.yml", "grafana/dashboards/gateway.json" })
        {
            var named = MetricPattern().Matches(await File.ReadAllTextAsync(Path.Combine(root, file), cancellationToken)).Select(match => match.Value).Distinct().ToList();
            Assert.NotEmpty(named);
            Assert.All(named, name => Assert.True(exported.Contains(name), $"{file} names {name}, which /metrics does not export"));
        }
    }

    private static void Check(List<string> checks, Dictionary<string, double> samples, string key, double expected, bool sum = false)
    {
        var actual = sum
            ? samples.Where(sample => sample.Key.StartsWith(key, StringComparison.Ordinal)).Sum(sample => sample.Value)
            : samples.TryGetValue(key, out var value) ? value : double.NaN;
        checks.Add(Math.Abs(actual - expected) <= 1e-9 * Math.Max(1, Math.Abs(expected)) ? string.Empty : $"{key}: scraped {actual}, expected {expected}");
    }

    private static Task<List<string[]>> RowsAsync(CompressionGateway gateway, string sql) => gateway.Gateway.RowsAsync(sql);

    [GeneratedRegex("data-figure=\"([^\"]+)\" data-value=\"([^\"]*)\"")]
    private static partial Regex FigurePattern();

    [GeneratedRegex("\\bgateway_[a-z0-9_]+")]
    private static partial Regex MetricPattern();
}
