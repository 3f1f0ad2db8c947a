using System.Globalization;
using System.Text.Json;
using Gateway.Core.Statistics;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Admin;

/// <summary>
/// The whole-archive figures' snapshot (docs/console.md, "How fresh the figures are") through /api/stats, against a
/// real PostgreSQL and instances stored by DCMTK's storescu: the computations counted by the snapshot itself. No job
/// workers, so nothing but the test changes the archive.
/// </summary>
public sealed class FiguresSnapshotTests(PostgresCluster cluster)
{
    private static string[] Files => [.. Directory.GetFiles(TestData.RequireSharedData("dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes"), "*.dcm").Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Figures_of_an_unchanged_archive_are_served_from_the_snapshot_without_computing_again()
    {
        await using var gateway = await StartAsync();
        Store(gateway, Files[0]);
        var first = await StatsAsync(gateway);
        Assert.Equal(1, first.Instances);
        Assert.True(first.Current);
        var computations = Snapshot(gateway).Computations;

        for (var i = 0; i < 5; i++)
        {
            var again = await StatsAsync(gateway);
            Assert.Equal(1, again.Instances);
            Assert.True(again.Current);
            Assert.Equal(first.AsOf, again.AsOf);
        }

        Assert.Equal(computations, Snapshot(gateway).Computations);
    }

    [Fact]
    public async Task With_no_max_age_the_read_after_a_store_shows_the_new_instance()
    {
        await using var gateway = await StartAsync();
        Store(gateway, Files[0]);
        Assert.Equal(1, (await StatsAsync(gateway)).Instances);
        var computations = Snapshot(gateway).Computations;

        Store(gateway, Files[1]);
        var after = await StatsAsync(gateway);
        Assert.Equal(2, after.Instances);
        Assert.True(after.Current);
        Assert.Equal(computations + 1, Snapshot(gateway).Computations);
    }

    [Fact]
    public async Task Within_the_max_age_the_figures_from_before_a_change_are_served_with_their_time_and_refreshed()
    {
        await using var gateway = await StartAsync(maxAgeSeconds: 600);
        Store(gateway, Files[0]);
        var before = await CurrentStatsAsync(gateway);
        Assert.Equal(1, before.Instances);

        Store(gateway, Files[1]);
        var stale = await StatsAsync(gateway);
        Assert.Equal(1, stale.Instances);
        Assert.False(stale.Current);
        Assert.Equal(before.AsOf, stale.AsOf);

        var refreshed = await CurrentStatsAsync(gateway);
        Assert.Equal(2, refreshed.Instances);
        Assert.True(refreshed.AsOf > before.AsOf);

        // A page says so too: the overview served from before the next store names the time of its figures.
        Store(gateway, Files[2]);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("console", UriKind.Relative));
        request.Headers.Accept.ParseAdd("text/html");
        using var page = await gateway.Http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Contains(
            $"Figures as of {refreshed.AsOf.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC",
            await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken),
            StringComparison.Ordinal);
        Assert.Equal(3, (await CurrentStatsAsync(gateway)).Instances);
    }

    [Fact]
    public async Task A_change_not_committed_when_the_figures_are_computed_leaves_them_stale()
    {
        await using var gateway = await StartAsync();
        Store(gateway, Files[0]);
        var before = await StatsAsync(gateway);
        Assert.True(before.Current);

        // The trigger advances the counter at the update; the change is visible only at the commit.
        await using (var database = gateway.OpenDatabase())
        await using (var connection = await database.OpenConnectionAsync(TestContext.Current.CancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            await using (var update = connection.CreateCommand())
            {
                update.Transaction = transaction;
                update.CommandText = "update instances set original_bytes = original_bytes + 1000";
                await update.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            }

            var during = await StatsAsync(gateway);
            Assert.Equal(before.OriginalBytes, during.OriginalBytes);
            Assert.False(during.Current);
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
        }

        var after = await StatsAsync(gateway);
        Assert.Equal(before.OriginalBytes + 1000, after.OriginalBytes);
        Assert.True(after.Current);
    }

    [Fact]
    public async Task Concurrent_reads_after_a_change_share_one_computation()
    {
        await using var gateway = await StartAsync();
        Store(gateway, Files[0]);
        Assert.True((await StatsAsync(gateway)).Current);
        var computations = Snapshot(gateway).Computations;

        Store(gateway, Files[1]);
        var reads = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => StatsAsync(gateway)));
        Assert.All(reads, read => Assert.Equal(2, read.Instances));
        Assert.Equal(computations + 1, Snapshot(gateway).Computations);
    }

    private sealed record Stats(long Instances, long OriginalBytes, bool Current, DateTimeOffset AsOf);

    private Task<GatewayInstance> StartAsync(double maxAgeSeconds = 0) => GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
    {
        ["JobWorkers"] = "0",
        ["Console:FiguresMaxAgeSeconds"] = maxAgeSeconds.ToString(CultureInfo.InvariantCulture),
    });

    private static FiguresSnapshot<ArchiveStatistics> Snapshot(GatewayInstance gateway) => gateway.Services.GetRequiredService<FiguresSnapshot<ArchiveStatistics>>();

    private static void Store(GatewayInstance gateway, string file) =>
        ExternalTool.RunChecked("storescu", ["-aec", GatewayInstance.AETitle, "127.0.0.1", gateway.DicomPort.ToString(CultureInfo.InvariantCulture), file], "dcmtk");

    private static async Task<Stats> StatsAsync(GatewayInstance gateway)
    {
        using var stats = JsonDocument.Parse(await gateway.Http.GetStringAsync(new Uri("api/stats", UriKind.Relative), TestContext.Current.CancellationToken));
        var root = stats.RootElement;
        return new Stats(
            root.GetProperty("instances").GetInt64(),
            root.GetProperty("originalBytes").GetInt64(),
            root.GetProperty("figuresCurrent").GetBoolean(),
            root.GetProperty("figuresAsOf").GetDateTimeOffset());
    }

    /// <summary>/api/stats once its figures are current (the background refresh done), at most 30 s on.</summary>
    private static async Task<Stats> CurrentStatsAsync(GatewayInstance gateway)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var stats = await StatsAsync(gateway);
            if (stats.Current || DateTimeOffset.UtcNow > deadline)
            {
                Assert.True(stats.Current, "the figures did not become current within 30 s");
                return stats;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
