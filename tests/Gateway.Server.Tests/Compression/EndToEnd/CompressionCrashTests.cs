using System.Diagnostics;
using System.Globalization;
using Gateway.Core.Jobs;
using Gateway.Server.Tests.Crash;
using Gateway.Server.Tests.DicomWeb.Retrieve;
using Npgsql;

namespace Gateway.Server.Tests.Compression.EndToEnd;

/// <summary>
/// `gateway serve` (compression on, the real f=16 model, retention 0) kills itself with SIGKILL at a crash point
/// (Gateway:Testing:KillAt) while its workers compress 3 MR and 2 CT slices and a mammogram received from storescu:
/// after a compress job wrote and checked an object but recorded nothing, after a compress job's choice was
/// committed but before the job was marked done, and while a retire-original job has removed the original's row but
/// not its file. The state at the kill is checked to be that moment's. After a restart and the queue drained: every
/// job done (none failed, the interrupted ones run again), every instance served by exactly one object of the kind
/// its outcome names, every object row backed by a file with its size and SHA-256, no file without a row, and every
/// instance retrieved by WADO-RS with its original pixels bit for bit (lossless) or with the PSNR recorded for it
/// (pydicom + numpy), which is at least the gate's 30 dB.
/// </summary>
public sealed class CompressionCrashTests(PostgresCluster cluster)
{
    private const double GatePsnr = 30;

    [Theory]
    [InlineData(CrashPoint.CandidateWritten, 1)]
    [InlineData(CrashPoint.ChoiceRecorded, 2)]
    [InlineData(CrashPoint.RetireOriginal, 2)]
    public async Task Kill_9_at_a_crash_point_of_compression_never_loses_an_instance_and_the_jobs_rerun_to_a_consistent_state(string point, int count)
    {
        // Three MR and two CT slices (latent, latent+residual and j2k-lossy by the default policy) and a mammogram (lossless).
        var mammogram = EndToEndData.Mammogram();
        IReadOnlyList<EndToEndImage> images = [.. EndToEndData.Mr8().Where((_, index) => index is 0 or 3 or 7), .. EndToEndData.Ct4().Take(2), mammogram];
        var cancellationToken = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        var postgres = await cluster.CreateEmptyDatabaseAsync(cancellationToken);
        var data = Directory.CreateTempSubdirectory("gateway-compress-crash-").FullName;
        var retrieved = Directory.CreateTempSubdirectory("compress-crash-retrieved-").FullName;
        var (httpPort, dicomPort) = (GatewayProcess.FreePort(), GatewayProcess.FreePort());
        var environment = new Dictionary<string, string>
        {
            ["Gateway__Compression__Enabled"] = "true",
            ["Gateway__Compression__RetentionDays"] = "0",
            ["Gateway__Models__Directory"] = Path.Combine(TestData.RepositoryRoot, "onnx-models"),
        };
        var armed = new Dictionary<string, string>(environment)
        {
            ["DOTNET_ENVIRONMENT"] = "Testing",
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Gateway__Testing__KillAt"] = point,
            ["Gateway__Testing__KillAtCount"] = count.ToString(CultureInfo.InvariantCulture),
        };
        var started = Stopwatch.StartNew();
        try
        {
            await using var database = NpgsqlDataSource.Create(postgres);
            List<long> interrupted;
            // Received by a gateway without queue workers, so storescu is done before any job can reach the point; what
            // it acknowledged is durable when it is stopped (CrashRecoveryTests).
            using (await GatewayProcess.StartAsync(data, httpPort, dicomPort, postgres, new Dictionary<string, string>(environment) { ["Gateway__JobWorkers"] = "0" }))
            {
                Storescu(dicomPort, [], images.Where(image => image != mammogram).Select(image => image.Path));
                Storescu(dicomPort, ["-xs"], [mammogram.Path]); // JPEG lossless, as the file is
            }

            // The queued jobs start at once: the gateway may reach the point before it is ready to serve.
            using (var gateway = GatewayProcess.Launch(data, httpPort, dicomPort, postgres, armed))
            {
                var exitCode = await gateway.WaitForExitAsync(TimeSpan.FromMinutes(3));
                Assert.True(exitCode == 137, $"gateway serve exited with {exitCode}, not by SIGKILL (137):\n{gateway.Output}");
                Assert.Contains($"CRASH POINT {point}: reached {count} time(s), killing the process (SIGKILL)", gateway.Output, StringComparison.Ordinal);
                interrupted = await IdsAsync(database, "select id from jobs where state = 'running'");
                var orphans = Orphans(await KeysAsync(database), new ArchiveProbe(postgres, data));
                output?.WriteLine($"killed at {point} #{count} after {started.Elapsed.TotalSeconds:F1} s: {await ScalarAsync(database, "select count(*) from instances where compression is not null")} of {images.Count} outcomes recorded, {interrupted.Count} jobs interrupted, {orphans.Count} object files without a row");
                await AssertMomentAsync(database, point, orphans);
            }

            Assert.NotEmpty(interrupted);

            using (var restarted = await GatewayProcess.StartAsync(data, httpPort, dicomPort, postgres, environment))
            {
                await WaitForDrainedAsync(database, restarted);
                output?.WriteLine($"queue drained after {started.Elapsed.TotalSeconds:F1} s");
                // Every job finished (a done job leaves no row, only its count), each compress job once: the jobs the kill
                // interrupted were claimed again and finished, none failed.
                Assert.Equal(0L, await ScalarAsync(database, "select count(*) from jobs"));
                Assert.Equal((long)images.Count, await ScalarAsync(database, "select done from job_totals where kind = 'compress'"));

                await AssertConsistentAsync(database, new ArchiveProbe(postgres, data), images.Count);
                await AssertRetrievedAsync(database, httpPort, images, retrieved);
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
    private static async Task AssertMomentAsync(NpgsqlDataSource database, string point, IReadOnlyCollection<string> orphans)
    {
        switch (point)
        {
            case CrashPoint.CandidateWritten:
                // A compress job wrote an object and recorded nothing: the object is a file without a row.
                Assert.True(await ScalarAsync(database, "select count(*) from jobs j join instances i on i.id = j.instance_fk where j.kind = 'compress' and j.state = 'running' and i.compression is null") > 0, "no compress job was interrupted before its outcome");
                Assert.NotEmpty(orphans);
                break;
            case CrashPoint.ChoiceRecorded:
                // An outcome is committed (the original still beside its replacement) while its job still runs.
                Assert.True(await ScalarAsync(database,
                    """
                    select count(*) from jobs j join instances i on i.id = j.instance_fk
                    where j.kind = 'compress' and j.state = 'running' and i.compression is not null
                      and exists (select 1 from objects o where o.instance_fk = i.id and o.kind = 'original')
                      and exists (select 1 from jobs r where r.instance_fk = i.id and r.kind = 'retire-original' and r.state = 'queued')
                    """) > 0, "no compress job was interrupted right after its outcome was recorded");
                break;
            case CrashPoint.RetireOriginal:
                // A retire job removed the original's row and not its file: the file has no row.
                Assert.True(await ScalarAsync(database, "select count(*) from jobs j where j.kind = 'retire-original' and j.state = 'running' and not exists (select 1 from objects o where o.instance_fk = j.instance_fk and o.kind = 'original')") > 0, "no retire job was interrupted between the row and the file");
                Assert.NotEmpty(orphans);
                break;
            default:
                Assert.Fail($"unknown crash point {point}");
                break;
        }
    }

    /// <summary>Every instance retrieved by WADO-RS: the original's pixels, or the verified lossy reconstruction with the PSNR recorded for it.</summary>
    private static async Task AssertRetrievedAsync(NpgsqlDataSource database, int httpPort, IReadOnlyList<EndToEndImage> images, string retrieved)
    {
        var output = TestContext.Current.TestOutputHelper;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromMinutes(2) };
        var outcomes = await OutcomesAsync(database);
        var pairs = new List<(string Original, string Retrieved)>();
        foreach (var image in images)
        {
            var instance = TestInstance.Of(image.Path);
            var (_, parts) = await MultipartResponse.GetPartsAsync(http, instance.InstancePath, "multipart/related; type=\"application/dicom\"");
            var path = Path.Combine(retrieved, image.Name);
            await File.WriteAllBytesAsync(path, Assert.Single(parts).Body, TestContext.Current.CancellationToken);
            pairs.Add((image.Path, path));
        }

        foreach (var comparison in RetrievedOracle.Compare(pairs))
        {
            var (compression, psnr) = outcomes[TestInstance.Of(comparison.Original).Sop];
            var name = Path.GetFileName(comparison.Original);
            output?.WriteLine($"{name}: {compression}, recorded PSNR {psnr?.ToString("F2", CultureInfo.InvariantCulture) ?? "-"}, retrieved PSNR {comparison.Psnr:F2}");
            Assert.True(comparison.SameStudy && comparison.SameSeries && comparison.SameSop, $"{name}: UIDs differ");
            Assert.True(comparison.SameShape, $"{name}: another shape");
            if (compression is "latent" or "latent+residual" or "j2k-lossy")
            {
                Assert.Equal("01", comparison.Lossy);
                Assert.True(comparison.Psnr >= GatePsnr, $"{name}: PSNR {comparison.Psnr:F2} dB below the gate's {GatePsnr} dB");
                Assert.True(Math.Abs(comparison.Psnr - psnr!.Value) < 0.01, $"{name}: served PSNR {comparison.Psnr:F3} dB, the gate recorded {psnr:F3} dB");
            }
            else
            {
                Assert.True(comparison.Exact, $"{name} ({compression}) does not come back bit-exact");
            }
        }
    }

    /// <summary>Object files whose name (the key) no objects row holds.</summary>
    private static List<string> Orphans(HashSet<string> keys, ArchiveProbe probe) =>
        [.. probe.ObjectFiles().Select(path => Path.GetFileName(path)).Where(key => !keys.Contains(key))];

    private static async Task<HashSet<string>> KeysAsync(NpgsqlDataSource database)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await using var command = database.CreateCommand("select object_key from objects");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    /// <summary>
    /// Every instance has an outcome and exactly one object of the kind the outcome names (retention 0: the
    /// original went after its replacement was recorded), no header object (headers are in the index), at most an AI
    /// latent beside a lossless or j2k-lossy one; every object row's file exists with the recorded size and
    /// SHA-256; no object file lacks a row and no temporary file is left.
    /// </summary>
    private static async Task AssertConsistentAsync(NpgsqlDataSource database, ArchiveProbe probe, int count)
    {
        var rows = new List<(string Sop, string State, string? Compression, string? Kind, string? Key, long Size, string? Sha256)>();
        await using (var command = database.CreateCommand(
            """
            select i.sop_instance_uid, i.state, i.compression, o.kind, o.object_key, coalesce(o.size_bytes, 0), o.sha256
            from instances i left join objects o on o.instance_fk = i.id order by i.id, o.id
            """))
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetInt64(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }

        Assert.Equal(count, rows.Select(row => row.Sop).Distinct().Count());
        foreach (var instance in rows.GroupBy(row => row.Sop))
        {
            // One serving object; besides it only a kept AI latent.
            var row = Assert.Single(instance, row => row.Kind is not "ai-latent");
            Assert.NotNull(row.Key);
            var expectedKind = row.Compression switch { "latent" or "latent+residual" or "j2k-lossy" or "lossless" => row.Compression, "kept" => "original", _ => null };
            Assert.True(expectedKind is not null, $"{row.Sop} has no compression outcome ({row.State})");
            Assert.Equal((expectedKind, row.Compression == "kept" ? "stored" : "compressed"), (row.Kind, row.State));
            Assert.True(instance.Count(other => other.Kind == "ai-latent") <= (row.Compression is "lossless" or "j2k-lossy" ? 1 : 0), $"{row.Sop} ({row.Compression}) has a misplaced AI latent");
        }

        var files = probe.ObjectFiles().ToDictionary(path => Path.GetFileName(path), StringComparer.Ordinal);
        foreach (var row in rows)
        {
            Assert.True(files.TryGetValue(row.Key!, out var path), $"the {row.Kind} object {row.Key} of {row.Sop} has no file");
            Assert.Equal(row.Size, new FileInfo(path).Length);
            Assert.Equal(row.Sha256, ArchiveProbe.Sha256Of(path));
        }

        Assert.Equal(rows.Select(row => row.Key!).Order(StringComparer.Ordinal), files.Keys.Order(StringComparer.Ordinal));
        var temporary = Path.Combine(probe.ObjectsDirectory, ".tmp");
        Assert.True(!Directory.Exists(temporary) || !Directory.EnumerateFiles(temporary, "*", SearchOption.AllDirectories).Any(), "no temporary object file is left");
    }

    private static async Task<List<long>> IdsAsync(NpgsqlDataSource database, string sql)
    {
        var ids = new List<long>();
        await using var command = database.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private static async Task<Dictionary<string, (string? Compression, double? Psnr)>> OutcomesAsync(NpgsqlDataSource database)
    {
        var outcomes = new Dictionary<string, (string?, double?)>(StringComparer.Ordinal);
        await using var command = database.CreateCommand("select sop_instance_uid, compression, psnr from instances");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            outcomes[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetDouble(2));
        }

        return outcomes;
    }

    private static async Task WaitForDrainedAsync(NpgsqlDataSource database, GatewayProcess gateway)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            if (await ScalarAsync(database, "select count(*) from jobs where state in ('queued', 'running')") == 0)
            {
                return;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Fail("The queue did not drain within 3 minutes after the restart:\n" + gateway.Output);
    }

    /// <summary>Sends the files over one association (proposing the transfer syntaxes <paramref name="options"/> name, storescu's default when none) and checks storescu reports no failure.</summary>
    private static void Storescu(int port, IEnumerable<string> options, IEnumerable<string> files)
    {
        var (exitCode, output, error) = ExternalTool.Run("storescu", [.. options, "-aec", GatewayInstance.AETitle, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), .. files], "dcmtk");
        Assert.True(exitCode == 0, $"storescu failed:\n{output}\n{error}");
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
