using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Core.Retrieve;
using Gateway.Dicom;
using Gateway.Server.AdminConsole;
using Gateway.Server.Tests.AdminConsole;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Lifecycle;

/// <summary>
/// Lifecycle rules against one real gateway (PostgreSQL, the object store, the real models) and the console in headless
/// Chromium: the page shows what each rule would move, equal to the test's own account; its button queues a batch
/// (audited); the batch moves exactly the instances older than their rule's age, by the oldest rule they reached,
/// checked from SQL and the object files; the page then shows the moves. Screenshots go to docs/console/ when
/// GATEWAY_CONSOLE_SCREENSHOTS=1.
/// </summary>
public sealed class LifecycleTests(LifecycleGateway fixture) : IClassFixture<LifecycleGateway>
{
    private sealed record Plan(string Base, string Password, bool Run, string? Screenshot, string? RunScreenshot);

    private sealed record Stored(string Kind, string Key, string Sha256, long Size);

    [Fact]
    public async Task A_batch_queued_from_the_console_moves_exactly_the_instances_older_than_their_rules_age_and_the_page_shows_the_figures_of_PostgreSQL()
    {
        var before = await ObjectsAsync();
        Assert.All(before.Values, objects => Assert.Equal("lossless", Assert.Single(objects).Kind));
        var old = fixture.Old;
        var checks = new List<string>();

        // Before: what each rule would move, and the button that queues the batch.
        var seen = await ConsoleBrowser.RunAsync(new Plan(fixture.Gateway.BaseAddress.AbsoluteUri, LifecycleGateway.Password, true, Screenshot("lifecycle"), Screenshot("lifecycle-running")), "lifecycle-browser.mjs");
        var page = seen["page"]!;
        Assert.Equal(200, page["status"]!.GetValue<int>());
        Assert.Equal(ConsolePage.ContentSecurityPolicy, page["csp"]!.GetValue<string>());
        Assert.Equal(1, page["stylesheets"]!.GetValue<int>());
        Assert.Empty(page["problems"]!.AsArray());
        var figures = Figures(page);
        foreach (var rule in new[] { LifecycleGateway.Lossy, LifecycleGateway.Latent })
        {
            var mine = old.Where(entry => entry.Value == rule).Select(entry => entry.Key).ToList();
            Check(checks, figures[$"rule.{rule}.pending"] == mine.Count, $"{rule}: pending {figures[$"rule.{rule}.pending"]}, the test set {mine.Count}");
            Check(checks, figures[$"rule.{rule}.pendingBytes"] == mine.Sum(uid => before[uid].Sum(o => o.Size)), $"{rule}: pending bytes {figures[$"rule.{rule}.pendingBytes"]}");
            Check(checks, figures[$"rule.{rule}.moved"] == 0, $"{rule}: moved before the batch");
        }

        var links = page["links"]!.AsArray().Select(link => (Rule: link!["rule"]!.GetValue<string>(), Instance: link["instance"]!.GetValue<string>(), Href: link["href"]!.GetValue<string>())).ToList();
        Check(checks, links.Select(link => (link.Instance, link.Rule)).Order().SequenceEqual(old.Select(entry => (entry.Key, entry.Value)).Order()), $"sample links {string.Join(", ", links)}");
        foreach (var link in links)
        {
            var uids = (await fixture.RowsAsync($"select study_instance_uid, series_instance_uid from instances where sop_instance_uid = '{link.Instance}'")).Single();
            Check(checks, link.Href == ConsoleEndpoints.ComparePath(uids[0], uids[1], link.Instance), $"link {link.Href}");
        }

        // The batch queued by the button, shown while it runs (no workers yet).
        var batch = (await fixture.RowsAsync("select id, queued, started_by from lifecycle_batches")).Single();
        var run = seen["run"]!;
        Assert.Empty(run["problems"]!.AsArray());
        Assert.Contains($"Batch {batch[0]} is queued.", run["notice"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(old.Count.ToString(CultureInfo.InvariantCulture), batch[1]);
        Assert.Equal("admin", batch[2]);
        Assert.Equal(old.Count, (await fixture.RowsAsync("select 1 from jobs where kind = 'lifecycle' and state = 'queued'")).Count);
        var running = Figures(run);
        Check(checks, running["batch.queued"] == old.Count && running["batch.done"] == 0, $"running batch figures {run["figures"]!.ToJsonString()}");
        Check(checks, run["figures"]!["batch.state"]!.GetValue<string>() == "running", "the batch is not shown running");

        await fixture.DrainAsync();
        var after = await ObjectsAsync();
        var files = new ArchiveProbe(fixture.Gateway.ConnectionString, fixture.Gateway.DataDirectory).ObjectFiles().ToDictionary(path => Path.GetFileName(path), path => path);
        foreach (var (uid, was) in before)
        {
            if (!old.TryGetValue(uid, out var rule))
            {
                Check(checks, after[uid].SequenceEqual(was), $"{uid} is younger than every rule (or matches none) and changed: {string.Join(", ", after[uid])}");
                continue;
            }

            var move = (await fixture.RowsAsync(
                $"select m.rule, m.outcome, m.from_representation, m.to_representation, m.bytes_before, m.bytes_after, i.compression, i.psnr from lifecycle_moves m join instances i on i.id = m.instance_fk where i.sop_instance_uid = '{uid}'")).Single();
            var now = Assert.Single(after[uid]);
            Check(checks, move[0] == rule && move[1] == "moved" && move[2] == "lossless", $"{uid}: move {string.Join(' ', move)}, expected {rule} from lossless");
            Check(checks, move[3] == move[6] && now.Kind == move[6], $"{uid}: moved to {move[3]}, instance says {move[6]}, object {now.Kind}");
            Check(checks, rule == LifecycleGateway.Latent ? now.Kind == "latent" : now.Kind is "latent" or "latent+residual" or "j2k-lossy", $"{uid}: {now.Kind} is not what {rule} allows");
            var psnr = double.Parse(move[7], CultureInfo.InvariantCulture);
            Check(checks, psnr >= (rule == LifecycleGateway.Latent ? 30 : 40), $"{uid}: PSNR {psnr} below {rule}'s target");
            Check(checks, long.Parse(move[4], CultureInfo.InvariantCulture) == was.Sum(o => o.Size) && long.Parse(move[5], CultureInfo.InvariantCulture) == now.Size && now.Size < was.Sum(o => o.Size), $"{uid}: bytes {move[4]} -> {move[5]}");
            Check(checks, files.TryGetValue(now.Key, out var file) && ArchiveProbe.Sha256Of(file) == now.Sha256, $"{uid}: the new object {now.Key} is not in the store with its checksum");
            Check(checks, was.All(o => !files.ContainsKey(o.Key)), $"{uid}: an old object is still in the store");
            var found = await ReadBackAsync(uid);
            var rows = int.Parse((await fixture.RowsAsync($"select rows from instances where sop_instance_uid = '{uid}'")).Single()[0], CultureInfo.InvariantCulture);
            Check(checks, found.Rows == rows && found.Lossy == "01", $"{uid}: served with {found.Rows} rows, lossy flag {found.Lossy}");
        }

        var referenced = after.Values.SelectMany(objects => objects).Select(o => o.Key).ToHashSet();
        var headers = (await fixture.RowsAsync("select object_key from objects where kind = 'header'")).Select(row => row[0]);
        Check(checks, files.Keys.ToHashSet().SetEquals(referenced.Concat(headers)), $"object files {string.Join(", ", files.Keys)} vs rows {string.Join(", ", referenced)}");
        Check(checks, (await fixture.RowsAsync("select 1 from lifecycle_moves")).Count == old.Count, "more moves than the test set old instances");

        // After: the moves, equal to lifecycle_moves, and the finished batch.
        var done = await ConsoleBrowser.RunAsync(new Plan(fixture.Gateway.BaseAddress.AbsoluteUri, LifecycleGateway.Password, false, Screenshot("lifecycle-moved"), null), "lifecycle-browser.mjs");
        Assert.Empty(done["page"]!["problems"]!.AsArray());
        var moved = Figures(done["page"]!);
        foreach (var row in await fixture.RowsAsync("select rule, count(*), sum(bytes_before), sum(bytes_after), sum(bytes_before - bytes_after) from lifecycle_moves where outcome = 'moved' group by rule"))
        {
            Check(checks, moved[$"rule.{row[0]}.moved"] == double.Parse(row[1], CultureInfo.InvariantCulture), $"{row[0]}: moved {moved[$"rule.{row[0]}.moved"]} vs {row[1]}");
            Check(checks, moved[$"rule.{row[0]}.bytesBefore"] == double.Parse(row[2], CultureInfo.InvariantCulture) && moved[$"rule.{row[0]}.bytesAfter"] == double.Parse(row[3], CultureInfo.InvariantCulture), $"{row[0]}: bytes {row[2]} -> {row[3]}");
            Check(checks, moved[$"rule.{row[0]}.bytesSaved"] == double.Parse(row[4], CultureInfo.InvariantCulture) && moved[$"rule.{row[0]}.pending"] == 0, $"{row[0]}: saved {row[4]}, pending {moved[$"rule.{row[0]}.pending"]}");
        }

        Check(checks, done["page"]!["figures"]!["batch.state"]!.GetValue<string>() == "finished" && moved["batch.done"] == old.Count, $"finished batch figures {done["page"]!["figures"]!.ToJsonString()}");

        // The button's audit row (written in the background).
        var expected = $"lifecycle-run admin lifecycle batch {batch[0]}: {old.Count} queued";
        List<string> audit = [];
        for (var attempt = 0; attempt < 50 && !audit.Contains(expected); attempt++)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
            audit = [.. (await fixture.RowsAsync("select action, actor_id, detail from audit_events where action = 'lifecycle-run' and outcome = 0")).Select(row => string.Join(' ', row))];
        }

        Check(checks, audit.Contains(expected), $"audit rows: {string.Join("; ", audit)}");
        Assert.True(checks.Count == 0, string.Join('\n', checks));
    }

    /// <summary>Every instance's objects other than its header object, by SOP Instance UID.</summary>
    private async Task<Dictionary<string, List<Stored>>> ObjectsAsync()
    {
        var rows = await fixture.RowsAsync(
            "select i.sop_instance_uid, o.kind, o.object_key, o.sha256, o.size_bytes from instances i join objects o on o.instance_fk = i.id where o.kind <> 'header' order by 1, 2, 3");
        return rows.GroupBy(row => row[0]).ToDictionary(group => group.Key, group => group.Select(row => new Stored(row[1], row[2], row[3], long.Parse(row[4], CultureInfo.InvariantCulture))).ToList());
    }

    private async Task<(int Rows, string? Lossy)> ReadBackAsync(string uid)
    {
        var uids = (await fixture.RowsAsync($"select study_instance_uid, series_instance_uid from instances where sop_instance_uid = '{uid}'")).Single();
        var retrieve = fixture.Gateway.Services.GetRequiredService<RetrieveService>();
        var found = await retrieve.FindAsync(uids[0], uids[1], uid, TestContext.Current.CancellationToken) ?? throw new InvalidOperationException($"{uid} is not found");
        var file = await retrieve.ReadAsync(found, TestContext.Current.CancellationToken);
        return (file.Dataset.GetValue<ushort>(DicomTags.Rows), file.Dataset.GetString(DicomTags.LossyImageCompression));
    }

    private static Dictionary<string, double> Figures(JsonNode page) =>
        page["figures"]!.AsObject()
            .Where(entry => double.TryParse(entry.Value!.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            .ToDictionary(entry => entry.Key, entry => double.Parse(entry.Value!.GetValue<string>(), CultureInfo.InvariantCulture));

    private static string? Screenshot(string name) =>
        Environment.GetEnvironmentVariable("GATEWAY_CONSOLE_SCREENSHOTS") == "1" ? Path.Combine(ConsoleBrowser.ScreenshotFolder, name + ".png") : null;

    private static void Check(List<string> problems, bool condition, string problem)
    {
        if (!condition)
        {
            problems.Add(problem);
        }
    }
}
