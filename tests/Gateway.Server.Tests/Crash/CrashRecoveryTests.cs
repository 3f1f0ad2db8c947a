using System.Diagnostics;
using System.Globalization;
using Gateway.Dicom;
using Npgsql;

namespace Gateway.Server.Tests.Crash;

/// <summary>
/// kill -9 of `gateway serve` while four DCMTK storescu associations send an MR series; after a restart every
/// instance storescu saw Success for is indexed with an intact object holding the identical data set, and nothing half-written is
/// left: no receiving rows, no object file without a row, no temporary or spool files.
/// </summary>
public sealed class CrashRecoveryTests(PostgresCluster cluster)
{
    private const int Associations = 4;

    [Fact]
    public async Task After_kill_9_during_four_storescu_associations_every_acknowledged_instance_is_intact_and_nothing_half_written_remains()
    {
        var files = Directory.GetFiles(TestData.RequireSharedData("volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon"), "*.dcm").Order(StringComparer.Ordinal).ToList();
        var cancellationToken = TestContext.Current.CancellationToken;
        var postgres = await cluster.CreateEmptyDatabaseAsync(cancellationToken);
        var data = Directory.CreateTempSubdirectory("gateway-crash-").FullName;
        var (httpPort, dicomPort) = (GatewayProcess.FreePort(), GatewayProcess.FreePort());
        try
        {
            var senders = new List<(Process Process, Task<string> Output)>();
            using (var gateway = await GatewayProcess.StartAsync(data, httpPort, dicomPort, postgres))
            {
                for (var association = 0; association < Associations; association++)
                {
                    var share = files.Where((_, index) => index % Associations == association);
                    senders.Add(StartStorescu(dicomPort, share));
                }

                // Kill once a good part has arrived, while the associations are still sending.
                await WaitForStoredAsync(postgres, files.Count / 4, senders);
                gateway.KillHard();
            }

            var acknowledged = new List<string>();
            foreach (var (process, output) in senders)
            {
                acknowledged.AddRange(Acknowledged(await output));
                await process.WaitForExitAsync(cancellationToken);
                process.Dispose();
            }

            Assert.InRange(acknowledged.Count, 1, files.Count - 1);
            TestContext.Current.TestOutputHelper?.WriteLine($"storescu saw Success for {acknowledged.Count} of {files.Count} instances before the kill.");

            using (var restarted = await GatewayProcess.StartAsync(data, httpPort, dicomPort, postgres))
            {
                var probe = new ArchiveProbe(postgres, data);
                foreach (var file in acknowledged)
                {
                    var uid = DicomFile.Open(file, new DicomReadOptions { StopBeforePixelData = true }).Dataset.GetString(DicomTags.SOPInstanceUID)!;
                    await probe.AssertStoredDataSetIdenticalAsync(uid, file);
                }

                await using var database = NpgsqlDataSource.Create(postgres);
                Assert.Equal(0L, await ScalarAsync(database, "select count(*) from instances where state = 'receiving'"));
                Assert.Equal(0L, await ScalarAsync(database, "select count(*) from instances i where not exists (select 1 from objects o where o.instance_fk = i.id)"));
                var keys = new List<string>();
                await using (var command = database.CreateCommand("select object_key from objects"))
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        keys.Add(reader.GetString(0));
                    }
                }

                Assert.Equal(keys.Order(StringComparer.Ordinal), probe.ObjectFiles().Select(path => Path.GetFileName(path)!).Order(StringComparer.Ordinal));
                Assert.Empty(Directory.EnumerateFiles(Path.Combine(probe.ObjectsDirectory, ".tmp"), "*", SearchOption.AllDirectories));
                var spool = Path.Combine(data, "spool");
                Assert.True(!Directory.Exists(spool) || !Directory.EnumerateFiles(spool).Any(), "the spool is empty");
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>storescu -v, its log (stdout and stderr in order) collected as it runs.</summary>
    internal static (Process Process, Task<string> Output) StartStorescu(int port, IEnumerable<string> files)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec storescu -v -aec GATEWAY 127.0.0.1 \"$0\" \"$@\" 2>&1");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        foreach (var file in files)
        {
            start.ArgumentList.Add(file);
        }

        var process = Process.Start(start)!;
        return (process, process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>The files whose Store Request storescu saw answered with Success ("Sending file: F" ... "Received Store Response (Success)").</summary>
    internal static IEnumerable<string> Acknowledged(string log)
    {
        Assert.DoesNotContain("storescu: not found", log, StringComparison.Ordinal);
        string? current = null;
        foreach (var line in log.Split('\n').Select(line => line.TrimEnd('\r')))
        {
            if (line.StartsWith("I: Sending file: ", StringComparison.Ordinal))
            {
                current = line["I: Sending file: ".Length..];
            }
            else if (line.StartsWith("I: Received Store Response (Success)", StringComparison.Ordinal) && current is not null)
            {
                yield return current;
                current = null;
            }
        }
    }

    private static async Task WaitForStoredAsync(string postgres, int count, List<(Process Process, Task<string> Output)> senders)
    {
        await using var database = NpgsqlDataSource.Create(postgres);
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            if (await ScalarAsync(database, "select count(*) from instances where state = 'stored'") >= count)
            {
                return;
            }

            Assert.False(senders.All(sender => sender.Process.HasExited), "storescu finished before the gateway could be killed:\n" + string.Join("\n", senders.Select(sender => sender.Output.IsCompleted ? sender.Output.Result : string.Empty)));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"Fewer than {count} instances arrived in 3 minutes.");
    }

    internal static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var command = database.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
