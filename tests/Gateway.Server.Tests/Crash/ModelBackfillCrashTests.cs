using System.Diagnostics;
using System.Globalization;
using Gateway.Core.Jobs;
using Gateway.Infrastructure.Postgres.Models;
using Gateway.Server.Tests.Compression.EndToEnd;
using Gateway.Server.Tests.DicomWeb.Retrieve;
using Npgsql;

namespace Gateway.Server.Tests.Crash;

/// <summary>
/// `gateway serve` kills itself with SIGKILL (Gateway:Testing:KillAt) while it runs a backfill with a promoted model:
/// five MR slices (of two series) and a CT slice received from storescu and stored lossless by the CT/MR rule, their
/// originals retired at once (retention 0), so that the lossless copies are the only pixels as received; then the rule
/// set to Latent, compact-f64-c1 promoted for it and a backfill started (through the index calls the console's button
/// makes), which replaces each lossless copy by a smaller latent. The kill lands after a backfill job wrote and checked
/// a new object but recorded nothing, or after a backfill job committed the swap of an instance's representation but
/// before it deleted the old objects; the state at the kill is checked to be that moment's. After a restart and the queue drained, checked from
/// PostgreSQL and the object files (not through the gateway): every backfill job finished (an outcome for each queued
/// instance, at least one replaced, no job left in any state), every instance has exactly one serving representation
/// of the kind its row names, every object row's file exists with its size and SHA-256, and no object file lacks a row;
/// and every instance comes back over WADO-RS with the PSNR recorded for it (pydicom + numpy). Deleting the old
/// objects before the swap's commit loses the only copy of an instance: this test then fails.
/// </summary>
public sealed class ModelBackfillCrashTests(PostgresCluster cluster)
{
    private const int Rule = 0;

    private const string Promoted = "compact-f64-c1";

    private const double GatePsnr = 30;

    private const string MrFolder = "dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes";

    private const string Ct = "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm";

    private static readonly string[] Serving = ["lossless", "j2k-lossy", "latent+residual", "latent"];

    private sealed record ObjectRow(string Sop, string Kind, string Key, long Size, string Sha256);

    [Theory]
    [InlineData(CrashPoint.CandidateWritten)]
    [InlineData(CrashPoint.BackfillSwapped)]
    public async Task Kill_9_at_a_crash_point_of_a_backfill_loses_nothing_leaves_no_orphan_and_the_backfill_finishes(string point)
    {
        // Native transfer syntaxes only: storescu sends them as they are.
        string[] sent =
        [
            .. Enumerable.Range(1, 3).Select(n => TestData.RequireSharedData($"{MrFolder}/{n.ToString(CultureInfo.InvariantCulture)}.dcm")),
            .. EndToEndData.Mr8().Where((_, index) => index is 0 or 3).Select(image => image.Path),
            TestData.RequireSharedData(Ct),
        ];
        var cancellationToken = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        var postgres = await cluster.CreateEmptyDatabaseAsync(cancellationToken);
        var data = Directory.CreateTempSubdirectory("gateway-backfill-crash-").FullName;
        var retrieved = Directory.CreateTempSubdirectory("backfill-crash-retrieved-").FullName;
        var (httpPort, dicomPort) = (GatewayProcess.FreePort(), GatewayProcess.FreePort());
        var lossless = new Dictionary<string, string>
        {
            ["Gateway__Compression__Enabled"] = "true",
            ["Gateway__Compression__RetentionDays"] = "0",
            ["Gateway__Compression__Rules__0__Modalities__0"] = "CT",
            ["Gateway__Compression__Rules__0__Modalities__1"] = "MR",
            ["Gateway__Compression__Rules__0__Action"] = "Lossless",
            ["Gateway__Models__Directory"] = Path.Combine(TestData.RepositoryRoot, "onnx-models"),
        };
        var environment = new Dictionary<string, string>(lossless) { ["Gateway__Compression__Rules__0__Action"] = "Latent" };
        var armed = new Dictionary<string, string>(environment)
        {
            ["DOTNET_ENVIRONMENT"] = "Testing",
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Gateway__Testing__KillAt"] = point,
            // One job at a time: with two workers the other job may be anywhere in its own backfill when the kill
            // lands (a candidate written, old objects being deleted), so the files left would not be this moment's alone.
            ["Gateway__JobWorkers"] = "1",
        };
        var started = Stopwatch.StartNew();
        try
        {
            await using var database = NpgsqlDataSource.Create(postgres);
            var probe = new ArchiveProbe(postgres, data);

            // Received, stored lossless and the originals retired before any backfill.
            using (var gateway = await GatewayProcess.StartAsync(data, httpPort, dicomPort, postgres, lossless))
            {
                ExternalTool.RunChecked("storescu", ["-aec", GatewayInstance.AETitle, "127.0.0.1", dicomPort.ToString(CultureInfo.InvariantCulture), .. sent], "dcmtk");
                await WaitForDrainedAsync(database, gateway);
            }

            var before = await ObjectsAsync(database);
            Assert.Equal(sent.Length, await ScalarAsync(database, "select count(*) from instances where state = 'compressed' and compression = 'lossless'"));
            Assert.DoesNotContain(before, o => o.Kind == "original");

            // The console's button: promote, then start the backfill (one job per instance of the rule).
            await new PostgresModelPromotions(database).PromoteAsync(Rule, Promoted, "crash-test", cancellationToken);
            var backfill = Assert.IsType<Gateway.Core.Backfill.ModelBackfill>(await new PostgresModelBackfills(database).StartAsync(Rule, Promoted, ["CT", "MR"], 1000, "crash-test", cancellationToken));
            Assert.Equal(sent.Length, backfill.Queued);

            // The queued backfill jobs start at once: the gateway may reach the point before it is ready to serve.
            using (var gateway = GatewayProcess.Launch(data, httpPort, dicomPort, postgres, armed))
            {
                var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromMinutes(3));
                Assert.True(exitCode == 137, $"gateway serve exited with {exitCode}, not by SIGKILL (137):\n{gateway.Output}");
                Assert.Contains($"CRASH POINT {point}: reached 1 time(s), killing the process (SIGKILL)", gateway.Output, StringComparison.Ordinal);
                var orphans = Orphans(await ObjectsAsync(database), probe);
                output?.WriteLine($"killed at {point} after {started.Elapsed.TotalSeconds:F1} s: {await ScalarAsync(database, "select count(*) from model_backfill_outcomes")} of {sent.Length} outcomes recorded, {orphans.Count} object files without a row");
                await AssertMomentAsync(database, point, before, orphans);
            }

            using (var restarted = await GatewayProcess.StartAsync(data, httpPort, dicomPort, postgres, environment))
            {
                await WaitForDrainedAsync(database, restarted);
                output?.WriteLine($"queue drained after {started.Elapsed.TotalSeconds:F1} s");

                await AssertConsistentAsync(database, probe, sent.Length);

                // The backfill finished: each queued job done once (a done job leaves only its count), an outcome for each instance.
                var left = await TextAsync(database, "select string_agg(state || ': ' || coalesce(last_error, '-'), '; ') from jobs where kind = 'model-backfill'");
                Assert.True(left is null, $"backfill jobs left: {left}");
                Assert.Equal((long)sent.Length, await ScalarAsync(database, "select done from job_totals where kind = 'model-backfill'"));
                Assert.Equal((long)sent.Length, await ScalarAsync(database, $"select count(*) from model_backfill_outcomes where backfill_fk = {backfill.Id}"));
                var replaced = await ScalarAsync(database, $"select count(*) from model_backfill_outcomes where backfill_fk = {backfill.Id} and outcome = 'replaced'");
                output?.WriteLine($"the backfill replaced {replaced} of {sent.Length} instances");
                Assert.True(replaced >= 1, "the backfill replaced nothing: the test shows nothing");
                await AssertRetrievedAsync(database, httpPort, sent, retrieved);
            }

            output?.WriteLine($"total {started.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
            Directory.Delete(retrieved, recursive: true);
        }
    }

    /// <summary>The state the kill left is the crash point's moment (checked on the database and the files of the dead gateway).</summary>
    private static async Task AssertMomentAsync(NpgsqlDataSource database, string point, IReadOnlyList<ObjectRow> before, IReadOnlyCollection<string> orphans)
    {
        Assert.NotEmpty(orphans);
        var oldKeys = before.Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        switch (point)
        {
            case CrashPoint.CandidateWritten:
                // A backfill job wrote a new object and recorded nothing: the new object is a file without a row.
                Assert.True(await ScalarAsync(database, "select count(*) from jobs j where j.kind = 'model-backfill' and j.state = 'running' and not exists (select 1 from model_backfill_outcomes x where x.instance_fk = j.instance_fk)") > 0, "no backfill job was interrupted before its outcome");
                Assert.True(orphans.All(key => !oldKeys.Contains(key)), "an object of the representation before the backfill lost its row");
                break;
            case CrashPoint.BackfillSwapped:
                // The swap is committed (the outcome, the new rows) while the job still runs: the old objects are files without rows.
                Assert.True(await ScalarAsync(database, "select count(*) from jobs j join model_backfill_outcomes x on x.instance_fk = j.instance_fk where j.kind = 'model-backfill' and j.state = 'running' and x.outcome = 'replaced'") > 0, "no backfill job was interrupted right after its swap");
                Assert.True(orphans.All(oldKeys.Contains), $"object files without a row that were not the old representation: {string.Join(", ", orphans.Where(key => !oldKeys.Contains(key)))}");
                break;
            default:
                Assert.Fail($"unknown crash point {point}");
                break;
        }
    }

    /// <summary>
    /// Every instance compressed, its original retired, exactly one serving object of the kind its row
    /// names, at most an AI latent beside a lossless or j2k-lossy one; every object row's file exists with the recorded
    /// size and SHA-256; no object file lacks a row and no temporary file is left.
    /// </summary>
    private static async Task AssertConsistentAsync(NpgsqlDataSource database, ArchiveProbe probe, int count)
    {
        var instances = new Dictionary<string, (string State, string? Compression)>(StringComparer.Ordinal);
        await using (var command = database.CreateCommand("select sop_instance_uid, state, compression from instances"))
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                instances[reader.GetString(0)] = (reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
            }
        }

        Assert.Equal(count, instances.Count);
        var objects = await ObjectsAsync(database);
        foreach (var (sop, (state, compression)) in instances)
        {
            var mine = objects.Where(o => o.Sop == sop).ToList();
            Assert.Equal("compressed", state);
            Assert.DoesNotContain(mine, o => o.Kind == "original");
            var serving = Assert.Single(mine, o => Serving.Contains(o.Kind));
            Assert.Equal(compression, serving.Kind);
            Assert.True(mine.Count(o => o.Kind == "ai-latent") <= (compression is "lossless" or "j2k-lossy" ? 1 : 0), $"{sop} ({compression}) has a misplaced AI latent");
        }

        var files = probe.ObjectFiles().ToDictionary(path => Path.GetFileName(path), StringComparer.Ordinal);
        foreach (var row in objects)
        {
            Assert.True(files.TryGetValue(row.Key, out var path), $"the {row.Kind} object {row.Key} of {row.Sop} has no file");
            Assert.Equal(row.Size, new FileInfo(path).Length);
            Assert.Equal(row.Sha256, ArchiveProbe.Sha256Of(path));
        }

        Assert.Equal(objects.Select(row => row.Key).Order(StringComparer.Ordinal), files.Keys.Order(StringComparer.Ordinal));
        var temporary = Path.Combine(probe.ObjectsDirectory, ".tmp");
        Assert.True(!Directory.Exists(temporary) || !Directory.EnumerateFiles(temporary, "*", SearchOption.AllDirectories).Any(), "no temporary object file is left");
    }

    /// <summary>Every instance retrieved by WADO-RS: its original's pixels (lossless), or a lossy reconstruction with the PSNR recorded for it, at least the gate's.</summary>
    private static async Task AssertRetrievedAsync(NpgsqlDataSource database, int httpPort, IReadOnlyList<string> sent, string retrieved)
    {
        var output = TestContext.Current.TestOutputHelper;
        var outcomes = new Dictionary<string, (string Compression, double? Psnr)>(StringComparer.Ordinal);
        await using (var command = database.CreateCommand("select sop_instance_uid, compression, psnr from instances"))
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                outcomes[reader.GetString(0)] = (reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetDouble(2));
            }
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromMinutes(2) };
        var pairs = new List<(string Original, string Retrieved)>();
        foreach (var file in sent)
        {
            var instance = TestInstance.Of(file);
            var (_, parts) = await MultipartResponse.GetPartsAsync(http, instance.InstancePath, "multipart/related; type=\"application/dicom\"");
            var path = Path.Combine(retrieved, instance.Sop + ".dcm");
            await File.WriteAllBytesAsync(path, Assert.Single(parts).Body, TestContext.Current.CancellationToken);
            pairs.Add((file, path));
        }

        foreach (var comparison in RetrievedOracle.Compare(pairs))
        {
            var sop = TestInstance.Of(comparison.Original).Sop;
            var (compression, psnr) = outcomes[sop];
            output?.WriteLine($"{sop}: {compression}, recorded PSNR {psnr?.ToString("F2", CultureInfo.InvariantCulture) ?? "-"}, retrieved PSNR {comparison.Psnr:F2}");
            Assert.True(comparison.SameStudy && comparison.SameSeries && comparison.SameSop && comparison.SameShape, $"{sop}: other UIDs or another shape");
            if (compression == "lossless")
            {
                Assert.True(comparison.Exact, $"{sop} (lossless) does not come back bit-exact");
            }
            else
            {
                Assert.Equal("01", comparison.Lossy);
                Assert.True(comparison.Psnr >= GatePsnr, $"{sop}: PSNR {comparison.Psnr:F2} dB below the gate's {GatePsnr} dB");
                Assert.True(Math.Abs(comparison.Psnr - psnr!.Value) < 0.01, $"{sop}: served PSNR {comparison.Psnr:F3} dB, the gate recorded {psnr:F3} dB");
            }
        }
    }

    /// <summary>Every object row, with its instance's SOP Instance UID.</summary>
    private static async Task<List<ObjectRow>> ObjectsAsync(NpgsqlDataSource database)
    {
        var rows = new List<ObjectRow>();
        await using var command = database.CreateCommand("select i.sop_instance_uid, o.kind, o.object_key, o.size_bytes, o.sha256 from objects o join instances i on i.id = o.instance_fk order by o.id");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add(new ObjectRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4)));
        }

        return rows;
    }

    /// <summary>Object files whose name (the key) no objects row holds.</summary>
    private static List<string> Orphans(IReadOnlyList<ObjectRow> rows, ArchiveProbe probe)
    {
        var keys = rows.Select(row => row.Key).ToHashSet(StringComparer.Ordinal);
        return [.. probe.ObjectFiles().Select(path => Path.GetFileName(path)).Where(key => !keys.Contains(key))];
    }

    /// <summary>Waits until no job is running or due (the retire-original jobs wait for the retention period).</summary>
    private static async Task WaitForDrainedAsync(NpgsqlDataSource database, GatewayProcess gateway)
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (DateTime.UtcNow < deadline)
        {
            if (await ScalarAsync(database, "select count(*) from jobs where state = 'running' or (state = 'queued' and run_after <= now())") == 0)
            {
                return;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Fail("The queue did not drain within 4 minutes:\n" + gateway.Output);
    }

    private static async Task<string?> TextAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken) as string;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
