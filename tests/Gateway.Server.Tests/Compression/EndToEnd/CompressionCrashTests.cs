using System.Diagnostics;
using System.Globalization;
using Gateway.Server.Tests.Crash;
using Gateway.Server.Tests.DicomWeb.Retrieve;
using Npgsql;

namespace Gateway.Server.Tests.Compression.EndToEnd;

/// <summary>
/// kill -9 of `gateway serve` (compression on, the real f=16 model) while its workers compress 8 MR and 4 CT slices
/// that storescu sent, at two moments: during the first compress jobs, and once about half are recorded. After a
/// restart and the queue drained: every job done (none failed), every instance served by exactly one object of the
/// kind its outcome names, every object row backed by a file with its size and SHA-256, no file without a row, and
/// every instance retrieved by WADO-RS with its original pixels bit for bit (lossless) or, from a latent, with
/// the PSNR the gate recorded for it (pydicom + numpy), which is at least the gate's 30 dB.
/// </summary>
public sealed class CompressionCrashTests(PostgresCluster cluster)
{
    private const double GatePsnr = 30;

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public async Task Kill_9_during_compression_never_loses_an_instance_and_the_jobs_rerun_to_a_consistent_state(int recordedBeforeKill)
    {
        var images = EndToEndData.Mr8().Concat(EndToEndData.Ct4()).ToList();
        var cancellationToken = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        var postgres = await cluster.CreateEmptyDatabaseAsync(cancellationToken);
        var data = Directory.CreateTempSubdirectory("gateway-compress-crash-").FullName;
        var retrieved = Directory.CreateTempSubdirectory("compress-crash-retrieved-").FullName;
        var (httpPort, dicomPort) = (GatewayProcess.FreePort(), GatewayProcess.FreePort());
        var environment = new Dictionary<string, string>
        {
            ["Gateway__Compression__Enabled"] = "true",
            ["Gateway__Models__Directory"] = Path.Combine(TestData.RepositoryRoot, "onnx-models"),
        };
        var started = Stopwatch.StartNew();
        try
        {
            await using var database = NpgsqlDataSource.Create(postgres);
            List<long> interrupted;
            using (var gateway = await GatewayProcess.StartAsync(data, httpPort, dicomPort, postgres, environment))
            {
                Storescu(dicomPort, images.Select(image => image.Path));
                var moment = await WaitForMomentAsync(database, recordedBeforeKill, images.Count);
                gateway.KillHard();
                interrupted = await IdsAsync(database, "select id from jobs where kind = 'compress' and state = 'running'");
                var files = new ArchiveProbe(postgres, data).ObjectFiles().Count;
                output?.WriteLine($"kill -9 after {started.Elapsed.TotalSeconds:F1} s: {moment.Recorded} of {images.Count} outcomes recorded, {interrupted.Count} compress jobs interrupted, {moment.Rows} object rows, {files} object files");
            }

            Assert.NotEmpty(interrupted);

            using (var restarted = await GatewayProcess.StartAsync(data, httpPort, dicomPort, postgres, environment))
            {
                await WaitForDrainedAsync(database, restarted);
                output?.WriteLine($"queue drained after {started.Elapsed.TotalSeconds:F1} s");
                Assert.Equal(0L, await ScalarAsync(database, "select count(*) from jobs where state <> 'done'"));
                // The jobs the kill interrupted were claimed again and finished.
                var rerun = await IdsAsync(database, "select id from jobs where kind = 'compress' and attempts > 1");
                Assert.Subset(rerun.ToHashSet(), interrupted.ToHashSet());

                await AssertConsistentAsync(database, new ArchiveProbe(postgres, data), images.Count);

                // Every instance retrieved by WADO-RS: the original's pixels, or the verified latent's reconstruction.
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromMinutes(2) };
                var outcomes = await OutcomesAsync(database);
                var pairs = new List<(string Original, string Retrieved)>();
                foreach (var image in images)
                {
                    var instance = TestInstance.Of(image.Path);
                    var (_, parts) = await MultipartResponse.GetPartsAsync(http, instance.InstancePath, "multipart/related; type=\"application/dicom\"");
                    var path = Path.Combine(retrieved, image.Name);
                    await File.WriteAllBytesAsync(path, Assert.Single(parts).Body, cancellationToken);
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

            output?.WriteLine($"total {started.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
            Directory.Delete(retrieved, recursive: true);
        }
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

    /// <summary>
    /// Waits until at least <paramref name="recorded"/> outcomes are recorded while a compress job has been running
    /// for 300 ms or more (so the kill lands inside an encode, a write or a gate check rather than at a claim).
    /// </summary>
    private static async Task<(long Recorded, long Running, long Rows)> WaitForMomentAsync(NpgsqlDataSource database, int recorded, int count)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            await using var command = database.CreateCommand(
                """
                select (select count(*) from instances where compression is not null),
                       (select count(*) from jobs where kind = 'compress' and state = 'running' and locked_at < now() - interval '300 milliseconds'),
                       (select count(*) from objects)
                """);
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            await reader.ReadAsync(TestContext.Current.CancellationToken);
            var (done, running, rows) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            Assert.True(done < count, "every instance was compressed before the kill could land");
            if (done >= recorded && running > 0)
            {
                return (done, running, rows);
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"No compress job ran with {recorded} outcomes recorded within 3 minutes.");
        return default;
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

    /// <summary>Sends the files over one association and checks storescu reports no failure.</summary>
    private static void Storescu(int port, IEnumerable<string> files)
    {
        var (exitCode, output, error) = ExternalTool.Run("storescu", ["-aec", GatewayInstance.AETitle, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture), .. files], "dcmtk");
        Assert.True(exitCode == 0, $"storescu failed:\n{output}\n{error}");
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
