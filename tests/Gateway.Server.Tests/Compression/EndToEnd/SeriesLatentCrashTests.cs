using System.Diagnostics;
using System.Globalization;
using Gateway.Core.Jobs;
using Gateway.Server.Tests.Crash;
using Gateway.Server.Tests.DicomWeb.Retrieve;
using Npgsql;

namespace Gateway.Server.Tests.Compression.EndToEnd;

/// <summary>
/// `gateway serve` (a Latent3D rule for MR with the real compact3d-f64-c0, retention 0) kills itself with SIGKILL
/// while its series job stores 48 MPRAGE slices received from storescu: after the series latent was written, read
/// back and checked but nothing recorded, and after the series latent and its slices were committed but before the
/// job was marked done. The state at the kill is that moment's. After a restart and the queue drained: no job left,
/// exactly one series latent, every instance served either by its slice of it (no object row of its own: the
/// original retired only after the slice was verified) or by exactly one object of the kind its outcome names, every
/// row backed by a file with its size and SHA-256, no file without a row, and every instance retrieved by WADO-RS
/// with the PSNR recorded for it (pydicom + numpy) and at least the rule's target.
/// </summary>
public sealed class SeriesLatentCrashTests(PostgresCluster cluster)
{
    private const double MinPsnr = 20;

    [Theory]
    [InlineData(CrashPoint.CandidateWritten)]
    [InlineData(CrashPoint.ChoiceRecorded)]
    public async Task Kill_9_in_the_series_job_leaves_every_instance_with_exactly_one_serving_representation(string point)
    {
        var files = Directory.GetFiles(TestData.RequireSharedData("volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon"), "*.dcm").Order(StringComparer.Ordinal).Skip(100).Take(48).ToArray();
        var cancellationToken = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        var postgres = await cluster.CreateEmptyDatabaseAsync(cancellationToken);
        var data = Directory.CreateTempSubdirectory("gateway-series-crash-").FullName;
        var retrieved = Directory.CreateTempSubdirectory("series-crash-retrieved-").FullName;
        var (httpPort, dicomPort) = (GatewayProcess.FreePort(), GatewayProcess.FreePort());
        var environment = new Dictionary<string, string>
        {
            ["Gateway__Compression__Enabled"] = "true",
            ["Gateway__Compression__RetentionDays"] = "0",
            ["Gateway__Compression__SeriesQuietSeconds"] = "0",
            ["Gateway__Compression__Rules__0__Modalities__0"] = "MR",
            ["Gateway__Compression__Rules__0__Action"] = "Latent3D",
            ["Gateway__Compression__Rules__0__Model"] = "compact3d-f64-c0",
            ["Gateway__Compression__Rules__0__MinPsnr"] = MinPsnr.ToString(CultureInfo.InvariantCulture),
            ["Gateway__Compression__Rules__0__MinSsim"] = "0",
            ["Gateway__JobDelaySeconds"] = "0",
            ["Gateway__Models__Directory"] = Path.Combine(TestData.RepositoryRoot, "onnx-models"),
        };
        var armed = new Dictionary<string, string>(environment)
        {
            ["DOTNET_ENVIRONMENT"] = "Testing",
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Gateway__Testing__KillAt"] = point,
            ["Gateway__Testing__KillAtCount"] = "1",
        };
        var started = Stopwatch.StartNew();
        try
        {
            await using var database = NpgsqlDataSource.Create(postgres);
            using (await GatewayProcess.StartAsync(data, httpPort, dicomPort, postgres, new Dictionary<string, string>(environment) { ["Gateway__JobWorkers"] = "0" }))
            {
                var (exitCode, stdout, stderr) = ExternalTool.Run("storescu", ["-xe", "-aec", GatewayInstance.AETitle, "127.0.0.1", dicomPort.ToString(CultureInfo.InvariantCulture), .. files], "dcmtk");
                Assert.True(exitCode == 0, $"storescu failed:\n{stdout}\n{stderr}");
            }

            using (var gateway = GatewayProcess.Launch(data, httpPort, dicomPort, postgres, armed))
            {
                var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromMinutes(5));
                Assert.True(exitCode == 137, $"gateway serve exited with {exitCode}, not by SIGKILL (137):\n{gateway.Output}");
                var orphans = Orphans(await KeysAsync(database), new ArchiveProbe(postgres, data));
                output?.WriteLine($"killed at {point} after {started.Elapsed.TotalSeconds:F1} s: {await ScalarAsync(database, "select count(*) from series_latents")} series latents, {orphans.Count} object files without a row");
                // The job it died in is still running; a second series job (queued by a compress job meanwhile) may
                // have been claimed by the other worker and found the series held.
                Assert.InRange(await ScalarAsync(database, "select count(*) from jobs where kind = 'series' and state = 'running'"), 1L, 2L);
                if (point == CrashPoint.CandidateWritten)
                {
                    Assert.Equal(0L, await ScalarAsync(database, "select count(*) from series_latents"));
                    Assert.Single(orphans);
                }
                else
                {
                    // Recorded: the slices point at it, their originals still there, their retire jobs queued.
                    Assert.Equal(1L, await ScalarAsync(database, "select count(*) from series_latents"));
                    Assert.True(await ScalarAsync(database,
                        """
                        select count(*) from instances i where i.compression = 'latent3d'
                          and exists (select 1 from objects o where o.instance_fk = i.id and o.kind = 'original')
                          and exists (select 1 from jobs r where r.instance_fk = i.id and r.kind = 'retire-original' and r.state = 'queued')
                        """) > 0);
                    Assert.Empty(orphans);
                }
            }

            using (var restarted = await GatewayProcess.StartAsync(data, httpPort, dicomPort, postgres, new Dictionary<string, string>(environment) { ["Logging__LogLevel__Gateway.Core.Jobs"] = "Debug" }))
            {
                await WaitForDrainedAsync(database, restarted);
                output?.WriteLine($"queue drained after {started.Elapsed.TotalSeconds:F1} s");
                Assert.Equal(0L, await ScalarAsync(database, "select count(*) from jobs"));
                Assert.Equal(1L, await ScalarAsync(database, "select count(*) from series_latents"));
                await AssertConsistentAsync(database, new ArchiveProbe(postgres, data), files.Length);
                await AssertRetrievedAsync(database, httpPort, files, retrieved);
            }

            output?.WriteLine($"total {started.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
            Directory.Delete(retrieved, recursive: true);
        }
    }

    /// <summary>Each instance: its slice of the series latent and no object of its own, or one object of its outcome's kind; every row has its file, every file its row.</summary>
    private static async Task AssertConsistentAsync(NpgsqlDataSource database, ArchiveProbe probe, int count)
    {
        var rows = new List<(string Sop, string State, string? Compression, long? Latent, string? Kind)>();
        await using (var command = database.CreateCommand(
            "select i.sop_instance_uid, i.state, i.compression, i.series_latent_id, o.kind from instances i left join objects o on o.instance_fk = i.id order by i.id, o.id"))
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
            }
        }

        Assert.Equal(count, rows.Select(row => row.Sop).Distinct().Count());
        foreach (var instance in rows.GroupBy(row => row.Sop))
        {
            var first = instance.First();
            Assert.Equal("compressed", first.State);
            if (first.Compression == "latent3d")
            {
                Assert.NotNull(first.Latent);
                Assert.Null(Assert.Single(instance).Kind);
            }
            else
            {
                Assert.Null(first.Latent);
                Assert.Equal(first.Compression, Assert.Single(instance, row => row.Kind is not "ai-latent").Kind);
            }
        }

        var keys = await KeysAsync(database);
        var files = probe.ObjectFiles().Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), files);
        await using var stored = database.CreateCommand("select object_key, size_bytes, sha256 from objects union all select object_key, size_bytes, sha256 from series_latents");
        await using var objects = await stored.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var paths = probe.ObjectFiles().ToDictionary(path => Path.GetFileName(path), StringComparer.Ordinal);
        while (await objects.ReadAsync(TestContext.Current.CancellationToken))
        {
            var path = paths[objects.GetString(0)];
            Assert.Equal((objects.GetInt64(1), objects.GetString(2)), (new FileInfo(path).Length, ArchiveProbe.Sha256Of(path)));
        }
    }

    private static async Task AssertRetrievedAsync(NpgsqlDataSource database, int httpPort, string[] files, string retrieved)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromMinutes(3) };
        var pairs = new List<(string Original, string Retrieved)>();
        foreach (var file in files)
        {
            var (_, parts) = await MultipartResponse.GetPartsAsync(http, TestInstance.Of(file).InstancePath, "multipart/related; type=\"application/dicom\"");
            var path = Path.Combine(retrieved, Path.GetFileName(file));
            await File.WriteAllBytesAsync(path, Assert.Single(parts).Body, TestContext.Current.CancellationToken);
            pairs.Add((file, path));
        }

        var outcomes = new Dictionary<string, (string Compression, double? Psnr)>(StringComparer.Ordinal);
        await using (var command = database.CreateCommand("select sop_instance_uid, compression, psnr from instances"))
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                outcomes[reader.GetString(0)] = (reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetDouble(2));
            }
        }

        foreach (var comparison in RetrievedOracle.Compare(pairs))
        {
            var (compression, psnr) = outcomes[TestInstance.Of(comparison.Original).Sop];
            var name = Path.GetFileName(comparison.Original);
            Assert.True(comparison.SameStudy && comparison.SameSeries && comparison.SameSop && comparison.SameShape, $"{name}: UIDs or shape differ");
            if (compression == "lossless")
            {
                Assert.True(comparison.Exact, $"{name} (lossless) does not come back bit-exact");
                continue;
            }

            Assert.Equal("01", comparison.Lossy);
            Assert.True(comparison.Psnr >= MinPsnr && Math.Abs(comparison.Psnr - psnr!.Value) < 0.01, $"{name} ({compression}): served PSNR {comparison.Psnr:F3} dB, recorded {psnr:F3}, target {MinPsnr}");
        }
    }

    private static List<string> Orphans(HashSet<string> keys, ArchiveProbe probe) =>
        [.. probe.ObjectFiles().Select(path => Path.GetFileName(path)).Where(key => !keys.Contains(key))];

    /// <summary>The keys of every object row and series latent row.</summary>
    private static async Task<HashSet<string>> KeysAsync(NpgsqlDataSource database)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await using var command = database.CreateCommand("select object_key from objects union all select object_key from series_latents");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    private static async Task WaitForDrainedAsync(NpgsqlDataSource database, GatewayProcess gateway)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            if (await ScalarAsync(database, "select count(*) from jobs where state in ('queued', 'running')") == 0)
            {
                return;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"The queue did not drain within 5 minutes after the restart; left:\n{await JobsLeftAsync(database)}\n{gateway.Output}");
    }

    /// <summary>The rows left in the queue, one line each (what a drain that never ends waits on).</summary>
    private static async Task<string> JobsLeftAsync(NpgsqlDataSource database)
    {
        var lines = new List<string>();
        await using var command = database.CreateCommand(
            "select id, kind, state, instance_fk, series_fk, attempts, run_after, locked_by, locked_at, last_error, now() from jobs order by id");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            lines.Add(string.Join(" | ", values.Select(value => value is DBNull ? "null" : Convert.ToString(value, CultureInfo.InvariantCulture))));
        }

        return string.Join("\n", lines);
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
