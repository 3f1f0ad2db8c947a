using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;

namespace Gateway.Server.Tests.Operations;

/// <summary>
/// Issue 13 point 8: outages are healed or reported. A killed embedded PostgreSQL is restarted, and while it is down
/// the gateway is not ready and C-ECHO does not claim success; a full data disk makes it not ready, logged once.
/// </summary>
public sealed class OutageTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Point08_killed_embedded_postgres_is_restarted_within_10_s_and_C_ECHO_is_refused_while_it_is_down()
    {
        var file = TestData.RequireSharedData(GatewayChecks.CtFile);
        var cancellationToken = TestContext.Current.CancellationToken;
        var logs = new LogCapture();
        await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?> { ["Postgres"] = string.Empty }, builder => builder.Logging.AddProvider(logs));
        Assert.Equal(HttpStatusCode.OK, (await GatewayChecks.ReadyAsync(gateway)).Status);
        Assert.Equal(0, GatewayChecks.Echo(gateway).ExitCode);

        var postmaster = int.Parse(File.ReadLines(Path.Combine(gateway.DataDirectory, "pg", "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        ExternalTool.RunChecked("kill", ["-9", postmaster.ToString(System.Globalization.CultureInfo.InvariantCulture)], "procps");

        // kill(2) returns before the process has died: "down" starts once it is gone or a zombie.
        while (IsRunning(postmaster) && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(10, cancellationToken);
        }

        // While the database is down: not ready (with the reason), and an association (echoscu) is refused, not answered
        // Success. The supervisor checks every second, so it may have restarted the server already: then a new postmaster runs.
        var (status, body) = await GatewayChecks.ReadyAsync(gateway);
        if (status == HttpStatusCode.OK)
        {
            Assert.NotEqual(postmaster, int.Parse(File.ReadLines(Path.Combine(gateway.DataDirectory, "pg", "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Contains("PostgreSQL does not answer", body, StringComparison.Ordinal);
        }

        var echo = GatewayChecks.Echo(gateway);
        if (echo.ExitCode == 0)
        {
            // Only acceptable if the database came back in between: then a store works too.
            var meanwhile = GatewayChecks.Store(gateway, file);
            Assert.True(meanwhile.ExitCode == 0, "C-ECHO answered Success while a store failed:\n" + echo.Output + meanwhile.Output);
        }
        else
        {
            Assert.Contains("Association Rejected", echo.Output, StringComparison.Ordinal);
        }

        while ((await GatewayChecks.ReadyAsync(gateway)).Status != HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(100, cancellationToken);
        }

        var healed = clock.Elapsed;
        var supervision = string.Join("\n", logs.Entries.Where(entry => entry.EventId is >= 7400 and < 7500).Select(entry => $"{entry.EventId}: {entry.Message}"));
        Assert.True(healed < TimeSpan.FromSeconds(10), $"ready again only after {healed.TotalSeconds:F1} s:\n{supervision}");
        Assert.NotEqual(postmaster, int.Parse(File.ReadLines(Path.Combine(gateway.DataDirectory, "pg", "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture));
        var store = GatewayChecks.Store(gateway, file);
        Assert.True(store.ExitCode == 0, store.Output);
        Assert.Equal(0, GatewayChecks.Echo(gateway).ExitCode);
        Assert.Equal(1, logs.Count(7410));
        Assert.Equal(1, logs.Count(7411));
        TestContext.Current.SendDiagnosticMessage($"embedded PostgreSQL killed, ready again after {healed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task Point08_full_data_disk_turns_ready_to_503_with_the_reason_logged_once_and_back_when_space_is_freed()
    {
        var mountPoint = Directory.CreateTempSubdirectory("gateway-tmpfs-").FullName;
        var (mounted, _, error) = ExternalTool.Run("mount", ["-t", "tmpfs", "-o", "size=48m", "tmpfs", mountPoint], "mount");
        if (mounted != 0)
        {
            Directory.Delete(mountPoint);
            Assert.Skip($"cannot mount a small tmpfs here (needs root): {error.Trim()}");
        }

        try
        {
            var cancellationToken = TestContext.Current.CancellationToken;
            var logs = new LogCapture();
            var dataDirectory = Path.Combine(mountPoint, "data");
            await using var gateway = await GatewayInstance.StartAsync(
                cluster,
                new Dictionary<string, string?> { ["DataDirectory"] = dataDirectory, ["MinFreeDiskBytes"] = (8L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture) },
                builder => builder.Logging.AddProvider(logs));
            Assert.Equal(HttpStatusCode.OK, (await GatewayChecks.ReadyAsync(gateway)).Status);

            // Fill the disk until a write fails (ENOSPC): the disk is full.
            var filler = Path.Combine(mountPoint, "filler");
            await using (var stream = File.Create(filler))
            {
                var block = new byte[1 << 20];
                try
                {
                    while (true)
                    {
                        stream.Write(block);
                        stream.Flush();
                    }
                }
                catch (IOException)
                {
                    // No space left on device.
                }
            }

            for (var check = 0; check < 3; check++)
            {
                var (status, body) = await GatewayChecks.ReadyAsync(gateway);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                Assert.Contains("the data disk is full", body, StringComparison.Ordinal);
                Assert.Contains("Gateway:MinFreeDiskBytes", body, StringComparison.Ordinal);
            }

            Assert.NotEqual(0, GatewayChecks.Echo(gateway).ExitCode);
            await Task.Delay(1500, cancellationToken);
            Assert.Equal(1, logs.Entries.Count(entry => entry.EventId == 7420 && entry.Message.Contains("the data disk is full", StringComparison.Ordinal)));

            File.Delete(filler);
            Assert.Equal(HttpStatusCode.OK, (await GatewayChecks.ReadyAsync(gateway)).Status);
            Assert.Equal(0, GatewayChecks.Echo(gateway).ExitCode);
        }
        finally
        {
            ExternalTool.Run("umount", ["-l", mountPoint], "mount");
            Directory.Delete(mountPoint, recursive: true);
        }
    }

    [Fact]
    public async Task Point08_free_space_below_the_threshold_turns_ready_to_503_with_the_reason()
    {
        await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?> { ["MinFreeDiskBytes"] = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var (status, body) = await GatewayChecks.ReadyAsync(gateway);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.StartsWith("not ready: the data disk is full: " + Path.GetFullPath(Path.Combine(gateway.DataDirectory, "objects")), body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Http.GetAsync(new Uri("health/live", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
    }

    /// <summary>Whether the process lives (listed in /proc and not a zombie).</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
