using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Gateway.Core.Jobs;
using Gateway.Dicom;
using Gateway.Infrastructure.Storage.S3;
using Gateway.Server.Tests.Compression.EndToEnd;
using Gateway.Server.Tests.Crash;
using Gateway.Server.Tests.DicomWeb.Stow;
using Gateway.Server.Tests.Storage;
using Npgsql;

namespace Gateway.Server.Tests.ScaleOut;

/// <summary>
/// The scale-out roles as separate processes on one PostgreSQL and one S3 bucket (a real radosgw): two
/// `gateway serve --no-workers` nodes receive at once (storescu on one, STOW-RS on the other) and two `gateway worker`
/// processes compress with the default 2D policy and model. Worker A kills itself with SIGKILL in the middle of a
/// compress job (the crash point after its candidate was written); worker B takes the job over once A's lease runs out.
/// Afterwards every instance was compressed exactly once (job counts), each is served by one object that the bucket
/// holds, and QIDO-RS and WADO-RS on either node see every instance.
/// </summary>
public sealed class ScaleOutTests(PostgresCluster cluster, RadosGateway rados)
{
    private const double LeaseSeconds = 3;

    [Fact]
    public async Task Two_listener_nodes_and_two_workers_compress_every_instance_once_and_a_killed_workers_job_is_finished_by_the_other()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        var clock = Stopwatch.StartNew();
        var viaDimse = EndToEndData.Mr8().Select(image => image.Path).ToList();
        var viaStow = EndToEndData.Ct4().Select(image => image.Path).ToList();
        var all = viaDimse.Concat(viaStow).ToList();
        var bucket = await rados.CreateBucketAsync(cancellationToken);
        var postgres = await cluster.CreateEmptyDatabaseAsync(cancellationToken);
        var data = Directory.CreateTempSubdirectory("gateway-scale-out-").FullName;
        var shared = new Dictionary<string, string>(RadosGateway.EnvironmentOf(bucket))
        {
            ["Gateway__Compression__Enabled"] = "true",
            ["Gateway__Compression__RetentionDays"] = "0",
            ["Gateway__Models__Directory"] = Path.Combine(TestData.RepositoryRoot, "onnx-models"),
            ["Gateway__JobLeaseSeconds"] = LeaseSeconds.ToString(CultureInfo.InvariantCulture),
        };
        try
        {
            await using var database = NpgsqlDataSource.Create(postgres);
            var (httpA, dicomA, httpB, dicomB) = (GatewayProcess.FreePort(), GatewayProcess.FreePort(), GatewayProcess.FreePort(), GatewayProcess.FreePort());
            using var nodeA = await GatewayProcess.StartAsync(Path.Combine(data, "node-a"), httpA, dicomA, postgres, Node(shared, "node-a"), ["--no-workers"]);
            using var nodeB = await GatewayProcess.StartAsync(Path.Combine(data, "node-b"), httpB, dicomB, postgres, Node(shared, "node-b"), ["--no-workers"]);
            using var workerA = await GatewayProcess.StartWorkerAsync(Path.Combine(data, "worker-a"), GatewayProcess.FreePort(), postgres, new Dictionary<string, string>(Node(shared, "worker-a"))
            {
                ["Gateway__JobWorkers"] = "1",
                ["DOTNET_ENVIRONMENT"] = "Testing",
                ["ASPNETCORE_ENVIRONMENT"] = "Testing",
                ["Gateway__Testing__KillAt"] = CrashPoint.CandidateWritten,
            });
            Assert.Contains("Worker node (gateway worker): no DICOM or DICOMweb listener, 1 queue workers", workerA.Output, StringComparison.Ordinal);
            Assert.Equal(0L, await ScalarAsync(database, "select count(*) from jobs"));

            // Both nodes receive at once.
            var storescu = CrashRecoveryTests.StartStorescu(dicomA, viaDimse);
            using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpB}/"), Timeout = TimeSpan.FromMinutes(2) })
            using (var content = new ByteArrayContent(MultipartBody.OfFiles(viaStow)))
            {
                content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={MultipartBody.Boundary}");
                using var stored = await http.PostAsync(new Uri("dicomweb/studies", UriKind.Relative), content, cancellationToken);
                Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
            }

            Assert.Equal(viaDimse.Order(StringComparer.Ordinal), CrashRecoveryTests.Acknowledged(await storescu.Output).Order(StringComparer.Ordinal));
            await storescu.Process.WaitForExitAsync(cancellationToken);
            storescu.Process.Dispose();

            // Worker B starts once A holds a compress job, so both compress side by side until A dies in that job.
            var killedJob = await WaitForAsync(database, "select id from jobs where kind = 'compress' and state = 'running' and locked_by like 'worker-a/%'", TimeSpan.FromMinutes(1));
            using var workerB = await GatewayProcess.StartWorkerAsync(Path.Combine(data, "worker-b"), GatewayProcess.FreePort(), postgres, Node(shared, "worker-b"));
            var exitCode = await workerA.WaitForExitAsync(TimeSpan.FromMinutes(1));
            Assert.True(exitCode == 137, $"worker A exited with {exitCode}, not by SIGKILL (137):\n{workerA.Output}");
            var killedAt = clock.Elapsed;
            output?.WriteLine($"worker A killed in job {killedJob} after {killedAt.TotalSeconds:F1} s");

            // B finishes everything, A's job included (no job row left, none failed), in bounded time: the lease, a sweep
            // interval, the job itself.
            await WaitForDrainedAsync(database, all.Count, TimeSpan.FromMinutes(2), workerB);
            output?.WriteLine($"queue drained after {clock.Elapsed.TotalSeconds:F1} s");
            Assert.Equal(0L, await ScalarAsync(database, "select count(*) from jobs"));
            Assert.Equal((long)all.Count, await ScalarAsync(database, "select done from job_totals where kind = 'compress'"));

            // Every instance compressed, served by exactly one object (its original retired), and that object is in the bucket.
            Assert.Equal((long)all.Count, await ScalarAsync(database, "select count(*) from instances where compression is not null"));
            Assert.Equal(0L, await ScalarAsync(database, "select count(*) from instances i where (select count(*) from objects o where o.instance_fk = i.id) <> 1"));
            using var store = new S3ObjectStore(S3Clients.Create(bucket), bucket);
            var indexed = await KeysAsync(database);
            var inBucket = await TestObjectStores.KeysAsync(store, cancellationToken);
            Assert.Empty(indexed.Except(inBucket, StringComparer.Ordinal));

            // The killed worker's candidate is the only object without a row (the start-up sweep of a later node removes it).
            Assert.InRange(inBucket.Except(indexed, StringComparer.Ordinal).Count(), 0, 1);

            // Either node sees and serves everything.
            var uids = all.Select(path => DicomFile.Open(path, new DicomReadOptions { StopBeforePixelData = true }).Dataset).ToList();
            foreach (var port in new[] { httpA, httpB })
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(2) };
                var found = await QidoInstancesAsync(http, cancellationToken);
                Assert.Equal(uids.Select(dataset => dataset.GetString(DicomTags.SOPInstanceUID)!).Order(StringComparer.Ordinal), found.Order(StringComparer.Ordinal));
            }

            for (var index = 0; index < uids.Count; index++)
            {
                var dataset = uids[index];
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{(index % 2 == 0 ? httpA : httpB)}/"), Timeout = TimeSpan.FromMinutes(2) };
                var path = $"dicomweb/studies/{dataset.GetString(DicomTags.StudyInstanceUID)}/series/{dataset.GetString(DicomTags.SeriesInstanceUID)}/instances/{dataset.GetString(DicomTags.SOPInstanceUID)}";
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
                request.Headers.TryAddWithoutValidation("Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
                using var response = await http.SendAsync(request, cancellationToken);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"WADO-RS {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                Assert.True(body.Length > 50_000, $"WADO-RS {path} returned {body.Length} bytes");
            }

            output?.WriteLine($"total {clock.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static Dictionary<string, string> Node(Dictionary<string, string> shared, string name) =>
        new(shared) { ["Gateway__NodeName"] = name };

    private static async Task<long> WaitForAsync(NpgsqlDataSource database, string sql, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            await using var command = database.CreateCommand(sql);
            if (await command.ExecuteScalarAsync(TestContext.Current.CancellationToken) is long id)
            {
                return id;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"nothing matched within {timeout.TotalSeconds:F0} s: {sql}");
        return 0;
    }

    private static async Task WaitForDrainedAsync(NpgsqlDataSource database, int instances, TimeSpan timeout, GatewayProcess worker)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await ScalarAsync(database, "select count(*) from jobs") == 0
                && await ScalarAsync(database, "select count(*) from instances where compression is not null") == instances)
            {
                return;
            }

            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"the queue was not drained within {timeout.TotalSeconds:F0} s:\n{worker.Output}");
    }

    private static async Task<List<string>> QidoInstancesAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri("dicomweb/instances", UriKind.Relative), cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return [.. json.RootElement.EnumerateArray().Select(match => match.GetProperty("00080018").GetProperty("Value")[0].GetString()!)];
    }

    private static async Task<List<string>> KeysAsync(NpgsqlDataSource database)
    {
        var keys = new List<string>();
        await using var command = database.CreateCommand("select object_key from objects");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
