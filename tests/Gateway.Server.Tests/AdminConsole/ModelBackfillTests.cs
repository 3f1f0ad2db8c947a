using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Jobs;
using Gateway.Dicom;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.AdminConsole;

/// <summary>
/// Backfill with a promoted model against the console's real gateway (real MR, CT and CR instances compressed with the
/// real models, originals kept 30 days): promoting a model for the CT/MR rule and starting a backfill from the models
/// page in headless Chromium queues one job per instance of that rule whose original is kept (the page shows it running),
/// and once the queue has run, exactly the instances whose new representation takes fewer bytes and meets the rule's
/// target have it (checked from the rows in PostgreSQL and the files in the object store), the rest are byte for byte as
/// before, and the page shows the backfill finished with its rate; a second backfill with the rule's former model
/// then finds every instance already re-encoded to something smaller and changes nothing. And the next compress job of a newly received
/// instance of a promoted rule stores its latent with the promoted model. Screenshots go to docs/console/ when
/// GATEWAY_CONSOLE_SCREENSHOTS=1.
/// </summary>
public sealed class ModelBackfillTests(ConsoleGateway fixture) : IClassFixture<ConsoleGateway>
{
    /// <summary>The CT/MR rule of the console gateway (Latent, the default target: 30 dB, SSIM 0.80) and the model promoted for it: 4 times fewer latent values than the default.</summary>
    private const int Rule = 1;

    private const string Promoted = "compact-f64-c1";

    private const double MinPsnr = 30;

    private const double MinSsim = 0.80;

    private const string MrFolder = "dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes";

    private sealed record Plan(string Base, string Password, bool Start, int Rule, string Model, string? Screenshot);

    private sealed record Stored(string Kind, string Key, string Sha256, long Size, string ModelId);

    [Fact]
    public async Task A_backfill_started_after_a_promotion_replaces_exactly_the_representations_that_get_smaller_and_meet_the_target_and_shows_its_progress()
    {
        var before = await ObjectsAsync();
        var stored = new ArchiveProbe(fixture.Gateway.ConnectionString, fixture.Gateway.DataDirectory).ObjectFiles().ToDictionary(path => Path.GetFileName(path), path => new FileInfo(path).Length);
        Assert.All(before.Values.SelectMany(objects => objects), o => Assert.Equal(o.Size, stored.GetValueOrDefault(o.Key, -1)));
        var inRule = (await fixture.RowsAsync(
            """
            select i.sop_instance_uid from instances i join series s on s.id = i.series_fk
            where i.state = 'compressed' and i.compression in ('lossless', 'j2k-lossy', 'latent+residual', 'latent') and upper(s.modality) in ('CT', 'MR')
              and exists (select 1 from objects o where o.instance_fk = i.id and o.kind = 'original')
            """)).Select(row => row[0]).ToHashSet();
        Assert.True(inRule.Count >= 3, $"only {inRule.Count} CT/MR instances keep their original");
        Assert.Empty(await fixture.RowsAsync("select 1 from jobs where state = 'queued' and run_after <= now()"));
        var checks = new List<string>();

        // Promote, then start the backfill from the page: queued, shown running (no workers run it yet).
        var seen = await ConsoleBrowser.RunAsync(new Plan(fixture.Gateway.BaseAddress.AbsoluteUri, ConsoleGateway.Password, true, Rule, Promoted, null), "backfill-browser.mjs");
        Assert.Empty(seen["problems"]!.AsArray());
        Assert.Equal(Promoted, seen["promote"]!["ruleModel"]!.GetValue<string>());
        Assert.Equal(inRule.Count.ToString(CultureInfo.InvariantCulture), Figure(seen["promote"]!, $"backfill.pending.{Rule}"));
        var started = seen["backfill"]!;
        Assert.Contains("backfill-started", started["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("running", started["state"]!.GetValue<string>());
        Assert.Equal(inRule.Count.ToString(CultureInfo.InvariantCulture), Figure(started, "backfill.queued"));
        Assert.Equal("0", Figure(started, "backfill.done"));
        Assert.Equal(string.Empty, Figure(started, "backfill.etaSeconds"));
        var backfill = (await fixture.RowsAsync("select id, rule_index, model_id, started_by, queued from model_backfills")).Single();
        Assert.Equal($"{Rule} {Promoted} admin {inRule.Count}", string.Join(' ', backfill[1..]));
        var queued = (await fixture.RowsAsync("select i.sop_instance_uid from jobs j join instances i on i.id = j.instance_fk where j.kind = 'model-backfill' and j.state = 'queued'")).Select(row => row[0]);
        Assert.True(inRule.SetEquals(queued), $"queued {string.Join(", ", queued)}");

        // Half way (two of its jobs run): still running, with a rate and a time left.
        var runner = fixture.Gateway.Services.GetRequiredService<JobRunner>();
        for (var ran = 0; ran < 2; ran++)
        {
            Assert.True(await runner.RunNextAsync("test/0", TestContext.Current.CancellationToken));
        }

        var half = (await ConsoleBrowser.RunAsync(new Plan(fixture.Gateway.BaseAddress.AbsoluteUri, ConsoleGateway.Password, false, Rule, Promoted, Screenshot("models-backfill-running")), "backfill-browser.mjs"))["page"]!;
        Assert.Equal("running", half["state"]!.GetValue<string>());
        Assert.Equal("2", Figure(half, "backfill.done"));
        Assert.True(double.Parse(Figure(half, "backfill.rate"), CultureInfo.InvariantCulture) > 0 && double.Parse(Figure(half, "backfill.etaSeconds"), CultureInfo.InvariantCulture) > 0, half["figures"]!.ToJsonString());
        await DrainAsync();

        // After: each instance of the rule either has a smaller representation meeting the target, or is as before.
        var after = await ObjectsAsync();
        var probe = new ArchiveProbe(fixture.Gateway.ConnectionString, fixture.Gateway.DataDirectory);
        var files = probe.ObjectFiles().ToDictionary(path => Path.GetFileName(path), path => path);
        var replaced = 0;
        foreach (var (uid, was) in before)
        {
            var now = after[uid];
            var wasCurrent = Current(was);
            var nowCurrent = Current(now);
            if (wasCurrent.Select(o => o.Key).Order().SequenceEqual(nowCurrent.Select(o => o.Key).Order()))
            {
                Check(checks, now.SequenceEqual(was), $"{uid}: its representation stayed but its objects changed: {string.Join(", ", now)}");
                Check(checks, now.All(o => files.TryGetValue(o.Key, out var file) && new FileInfo(file).Length == o.Size), $"{uid}: an object file is gone or changed size");
                continue;
            }

            replaced++;
            Check(checks, inRule.Contains(uid), $"{uid} is not of the promoted rule (or keeps no original) and was re-encoded");
            var row = (await fixture.RowsAsync($"select compression, psnr, ssim from instances where sop_instance_uid = '{uid}'")).Single();
            var sizeBefore = wasCurrent.Sum(o => o.Size);
            var sizeAfter = nowCurrent.Sum(o => files.TryGetValue(o.Key, out var file) ? new FileInfo(file).Length : long.MaxValue / 8);
            Check(checks, wasCurrent.All(o => !files.ContainsKey(o.Key)), $"{uid}: an object it no longer references is still in the store");
            Check(checks, sizeAfter < sizeBefore, $"{uid}: {sizeBefore} bytes before, {sizeAfter} after: not smaller");
            Check(checks, nowCurrent.All(o => files.TryGetValue(o.Key, out var file) && ArchiveProbe.Sha256Of(file) == o.Sha256 && new FileInfo(file).Length == o.Size), $"{uid}: a new object is not in the store with its size and checksum");
            Check(checks, nowCurrent.Where(o => o.ModelId.Length > 0).All(o => o.ModelId == Promoted) && nowCurrent.Any(o => o.ModelId == Promoted), $"{uid}: the new objects name models {string.Join(", ", nowCurrent.Select(o => o.ModelId))}");
            Check(checks, nowCurrent.Any(o => o.Kind == row[0]), $"{uid}: the instance says {row[0]}, its objects are {string.Join(", ", nowCurrent.Select(o => o.Kind))}");
            var lossy = row[0] != "lossless";
            Check(
                checks,
                !lossy || (double.Parse(row[1], CultureInfo.InvariantCulture) >= MinPsnr && double.Parse(row[2], CultureInfo.InvariantCulture) >= MinSsim),
                $"{uid}: {row[0]} at PSNR {row[1]} dB, SSIM {row[2]} misses the rule's target");
            var original = was.Single(o => o.Kind == "original");
            Check(checks, now.Contains(original) && files.TryGetValue(original.Key, out var kept) && ArchiveProbe.Sha256Of(kept) == original.Sha256, $"{uid}: its original is not kept as it was");
        }

        Check(checks, replaced >= 1, "the backfill replaced nothing: the test shows nothing");
        var referenced = after.Values.SelectMany(objects => objects).Select(o => o.Key).ToHashSet();
        Check(checks, files.Keys.ToHashSet().SetEquals(referenced), $"object files {string.Join(", ", files.Keys.Except(referenced))} are not referenced, rows {string.Join(", ", referenced.Except(files.Keys))} have no file");

        // The backfill's own record agrees with what the test found.
        var outcomes = await fixture.RowsAsync("select outcome, count(*) from model_backfill_outcomes group by outcome order by outcome");
        Check(checks, outcomes.Sum(row => int.Parse(row[1], CultureInfo.InvariantCulture)) == inRule.Count, $"outcomes {string.Join("; ", outcomes.Select(row => string.Join(' ', row)))}");
        Check(checks, (outcomes.FirstOrDefault(row => row[0] == "replaced")?[1] ?? "0") == replaced.ToString(CultureInfo.InvariantCulture), $"outcomes {string.Join("; ", outcomes.Select(row => string.Join(' ', row)))} vs {replaced} replaced");

        // The page: finished, every queued instance done, with its rate, and the bytes saved the store shows.
        var done = await ConsoleBrowser.RunAsync(new Plan(fixture.Gateway.BaseAddress.AbsoluteUri, ConsoleGateway.Password, false, Rule, Promoted, Screenshot("models-backfill-done")), "backfill-browser.mjs");
        Assert.Empty(done["problems"]!.AsArray());
        var page = done["page"]!;
        Check(checks, page["state"]!.GetValue<string>() == "finished", $"the backfill is shown {page["state"]}");
        Check(checks, Figure(page, "backfill.done") == inRule.Count.ToString(CultureInfo.InvariantCulture) && Figure(page, "backfill.replaced") == replaced.ToString(CultureInfo.InvariantCulture), $"figures {page["figures"]!.ToJsonString()}");
        Check(checks, double.Parse(Figure(page, "backfill.rate"), CultureInfo.InvariantCulture) > 0 && Figure(page, "backfill.etaSeconds") == "0", $"rate and ETA {page["figures"]!.ToJsonString()}");
        var saved = before.Sum(entry => Current(entry.Value).Sum(o => o.Size)) - after.Sum(entry => Current(entry.Value).Sum(o => o.Size));
        Check(checks, Figure(page, "backfill.bytesSaved") == saved.ToString(CultureInfo.InvariantCulture), $"saved {Figure(page, "backfill.bytesSaved")} vs {saved}");
        Check(checks, Figure(page, $"backfill.pending.{Rule}") == "0", "instances still pending after the backfill");

        // A second backfill, with the rule's configured model promoted back: it queues the same instances, now all
        // re-encoded once, whose representations are smaller than what that model makes of them: nothing changes.
        var former = new CompressionPolicy(fixture.Gateway.Services.GetRequiredService<CompressionOptions>()).ModelOf(Rule);
        var second = await ConsoleBrowser.RunAsync(new Plan(fixture.Gateway.BaseAddress.AbsoluteUri, ConsoleGateway.Password, true, Rule, former, null), "backfill-browser.mjs");
        Assert.Empty(second["problems"]!.AsArray());
        Assert.Equal(inRule.Count.ToString(CultureInfo.InvariantCulture), Figure(second["backfill"]!, "backfill.queued"));
        await DrainAsync();
        var again = await ObjectsAsync();
        Check(checks, again.Keys.ToHashSet().SetEquals(after.Keys) && again.All(entry => entry.Value.SequenceEqual(after[entry.Key])), "the second backfill changed objects");
        Check(checks, probe.ObjectFiles().Select(path => Path.GetFileName(path)).ToHashSet().SetEquals(files.Keys), "the second backfill left or removed object files");
        var secondId = (await fixture.RowsAsync($"select id from model_backfills where model_id = '{former}'")).Single()[0];
        var unchanged = await fixture.RowsAsync($"select outcome, count(*) from model_backfill_outcomes where backfill_fk = {secondId} group by outcome");
        Check(checks, unchanged.Count == 1 && unchanged[0][0] == "unchanged" && unchanged[0][1] == inRule.Count.ToString(CultureInfo.InvariantCulture), $"second backfill outcomes {string.Join("; ", unchanged.Select(row => string.Join(' ', row)))}");

        // The buttons' audit rows (written in the background).
        string[] expected = [$"model-backfill admin rule {Rule}: {Promoted}, backfill {backfill[0]}: {inRule.Count} queued", $"model-backfill admin rule {Rule}: {former}, backfill {secondId}: {inRule.Count} queued"];
        List<string> audit = [];
        for (var attempt = 0; attempt < 50 && !expected.All(audit.Contains); attempt++)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
            audit = [.. (await fixture.RowsAsync("select action, actor_id, detail from audit_events where action = 'model-backfill' and outcome = 0")).Select(row => string.Join(' ', row))];
        }

        Check(checks, expected.All(audit.Contains), $"audit rows: {string.Join("; ", audit)}");
        Assert.True(checks.Count == 0, string.Join('\n', checks));
    }

    [Fact]
    public async Task After_a_promotion_the_next_compress_job_of_a_newly_received_instance_stores_it_with_the_promoted_model()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await fixture.Gateway.Services.GetRequiredService<IModelPromotions>().PromoteAsync(Rule, Promoted, "test", cancellationToken);
        var path = TestData.RequireSharedData($"{MrFolder}/6.dcm");
        var uid = DicomFile.Open(path).Dataset.GetString(DicomTags.SOPInstanceUID)!;
        await using (var stream = File.OpenRead(path))
        {
            var stored = await fixture.Gateway.Services.GetRequiredService<IngestService>().StoreFileAsync(stream, null, cancellationToken);
            Assert.Equal(IngestOutcome.Stored, stored.Outcome);
        }

        await DrainAsync();
        var row = (await fixture.RowsAsync($"select state, compression from instances where sop_instance_uid = '{uid}'")).Single();
        Assert.Equal("compressed", row[0]);
        var models = (await fixture.RowsAsync(
            $"select o.kind, o.model_id from objects o join instances i on i.id = o.instance_fk where i.sop_instance_uid = '{uid}' and o.model_id is not null")).ToList();
        Assert.NotEmpty(models);
        Assert.All(models, model => Assert.Equal(Promoted, model[1]));
        Assert.NotEqual(Promoted, new CompressionPolicy(fixture.Gateway.Services.GetRequiredService<CompressionOptions>()).ModelOf(Rule));
    }

    /// <summary>Every instance's objects other than its header object, by SOP Instance UID.</summary>
    private async Task<Dictionary<string, List<Stored>>> ObjectsAsync()
    {
        var rows = await fixture.RowsAsync(
            "select i.sop_instance_uid, o.kind, o.object_key, o.sha256, o.size_bytes, o.model_id from instances i join objects o on o.instance_fk = i.id where o.kind <> 'header' order by 1, 2, 3");
        return rows.GroupBy(row => row[0]).ToDictionary(group => group.Key, group => group.Select(row => new Stored(row[1], row[2], row[3], long.Parse(row[4], CultureInfo.InvariantCulture), row[5])).ToList());
    }

    /// <summary>What an instance is served from besides its original: its replacement and any AI latent beside it.</summary>
    private static List<Stored> Current(List<Stored> objects) => [.. objects.Where(o => o.Kind != "original")];

    private async Task DrainAsync()
    {
        var runner = fixture.Gateway.Services.GetRequiredService<JobRunner>();
        for (var ran = 0; await runner.RunNextAsync("test/0", TestContext.Current.CancellationToken); ran++)
        {
            Assert.True(ran < 100, "the queue does not drain");
        }
    }

    private static string Figure(JsonNode page, string name) =>
        page["figures"]![name]?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"the page has no figure {name}: {page["figures"]!.ToJsonString()}");

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
