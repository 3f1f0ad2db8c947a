using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Server.AdminConsole;
using Gateway.Server.Tests.Interop;

namespace Gateway.Server.Tests.AdminConsole;

/// <summary>
/// The console's models page in headless Chromium against the console's real gateway (real MR, CT and CR instances
/// compressed with the real models, originals kept): its figures equal the model cards and what the test computes from
/// PostgreSQL, a dry run started from its form completes with progress and changes nothing (every instance and object row
/// and every file under the data folder the same before and after), and a promotion from its form is recorded with who
/// and when, shown as the rule's model, and audited like the dry run.
/// </summary>
public sealed class ModelsPageTests(ConsoleGateway fixture) : IClassFixture<ConsoleGateway>
{
    private const string Promoted = "compact-f16-c1";

    private sealed record Plan(string Base, string Password, int Sample, int Rule, string Model, string? Screenshot);

    [Fact]
    public async Task The_models_page_shows_the_cards_and_the_archive_quality_a_dry_run_changes_nothing_and_a_promotion_is_recorded_and_audited()
    {
        var before = await SnapshotAsync();
        var retained = await fixture.ScalarAsync(
            "select count(*) from instances i where i.state = 'compressed' and exists (select 1 from objects o where o.instance_fk = i.id and o.kind in ('original', 'lossless'))");
        Assert.True(retained >= 4, $"only {retained} instances keep their original");

        var seen = await ConsoleBrowser.RunAsync(
            new Plan(fixture.Gateway.BaseAddress.AbsoluteUri, ConsoleGateway.Password, 100, 1, Promoted, Screenshot()), "models-browser.mjs");
        Assert.Empty(seen["problems"]!.AsArray());
        var page = seen["page"]!;
        Assert.Equal(200, page["status"]!.GetValue<int>());
        Assert.Equal(ConsolePage.ContentSecurityPolicy, page["csp"]!.GetValue<string>());
        Assert.Equal("none", page["state"]!.GetValue<string>());
        var figures = page["figures"]!.AsObject();

        // The registry: every card of onnx-models/, with its factor and size as model.json records them.
        var cards = Directory.GetDirectories(Path.Combine(TestData.RepositoryRoot, "onnx-models")).Where(folder => File.Exists(Path.Combine(folder, "model.json"))).ToList();
        Assert.Equal(cards.Count, page["models"]!.AsArray().Count);
        foreach (var folder in cards)
        {
            var card = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "model.json"), TestContext.Current.CancellationToken))!;
            var id = card["id"]!.GetValue<string>();
            Assert.Equal(card["f"]!.GetValue<int>().ToString(CultureInfo.InvariantCulture), Figure(figures, $"card.{id}.factor"));
            var bytes = card["files"]!.AsObject().Where(file => file.Key.EndsWith(".onnx", StringComparison.Ordinal)).Sum(file => file.Value!["bytes"]!.GetValue<long>());
            Assert.Equal(bytes.ToString(CultureInfo.InvariantCulture), Figure(figures, $"card.{id}.bytes"));
        }

        // Quality per model and modality, computed here from the instance rows, their objects and their candidates.
        var expected = await ExpectedQualityAsync();
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count * 6, figures.Count(figure => figure.Key.StartsWith("quality.", StringComparison.Ordinal)));
        foreach (var (key, (served, median, p5, tried, passed)) in expected)
        {
            Assert.Equal(served.ToString(CultureInfo.InvariantCulture), Figure(figures, $"quality.{key}.instances"));
            AssertClose(median, Figure(figures, $"quality.{key}.medianPsnr"));
            AssertClose(p5, Figure(figures, $"quality.{key}.p5Psnr"));
            Assert.Equal(tried.ToString(CultureInfo.InvariantCulture), Figure(figures, $"quality.{key}.tried"));
            Assert.Equal(passed.ToString(CultureInfo.InvariantCulture), Figure(figures, $"quality.{key}.passed"));
            AssertClose(tried == 0 ? null : (double)passed / tried, Figure(figures, $"quality.{key}.passRate"));
        }

        Assert.Contains(expected.Keys, key => key.StartsWith("compact-f16-c2.", StringComparison.Ordinal));

        // The dry run: done with progress over every retained instance, and nothing in the archive changed.
        var dryRun = seen["dryRun"]!;
        var progress = dryRun["progress"]!.AsArray();
        var last = progress[^1]!;
        Assert.Equal("done", last["state"]!.GetValue<string>());
        Assert.Equal(retained.ToString(CultureInfo.InvariantCulture), last["total"]!.GetValue<string>());
        Assert.Equal(retained.ToString(CultureInfo.InvariantCulture), last["done"]!.GetValue<string>());
        Assert.True(double.Parse(last["rate"]!.GetValue<string>(), CultureInfo.InvariantCulture) > 0);
        Assert.Equal("0", last["eta"]!.GetValue<string>());
        var dryRunFigures = dryRun["figures"]!.AsObject();
        Assert.Equal(retained.ToString(CultureInfo.InvariantCulture), Figure(dryRunFigures, "dryRun.instances"));
        Assert.Equal(retained, dryRun["instances"]!.AsArray().Count);
        Assert.True(long.Parse(Figure(dryRunFigures, "dryRun.projectedBytes"), CultureInfo.InvariantCulture) > 0);
        Assert.Equal(before, await SnapshotAsync());

        // The promotion: recorded with who, shown as the rule's model, and audited (with the dry run).
        var promote = seen["promote"]!;
        Assert.Equal(Promoted, promote["ruleModel"]!.GetValue<string>());
        Assert.StartsWith($"{Promoted} by admin, ", promote["promoted"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("1 compact-f16-c1 admin", string.Join(' ', (await fixture.RowsAsync("select rule_index, model_id, promoted_by from model_promotions")).Single()));
        var audit = new[] { "model-promote admin rule 1: compact-f16-c1", $"model-dry-run admin policy over {retained}: started" };
        List<string> rows = [];
        for (var attempt = 0; attempt < 50 && !audit.All(rows.Contains); attempt++)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
            rows = [.. (await fixture.RowsAsync("select action, actor_id, detail from audit_events where action like 'model-%' and outcome = 0")).Select(row => string.Join(' ', row))];
        }

        Assert.True(audit.All(rows.Contains), $"audit rows: {string.Join("; ", rows)}");
    }

    private static string Figure(JsonObject figures, string name) =>
        figures[name]?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"the page has no figure {name}: {string.Join(", ", figures.Select(f => f.Key))}");

    private static void AssertClose(double? expected, string value)
    {
        if (expected is null)
        {
            Assert.Equal(string.Empty, value);
            return;
        }

        Assert.Equal(expected.Value, double.Parse(value, CultureInfo.InvariantCulture), 9);
    }

    /// <summary>Per "model.modality": instances served from the model's latent, the median and 5th percentile of their PSNR, latents tried, latents qualified.</summary>
    private async Task<Dictionary<string, (long Served, double? Median, double? P5, long Tried, long Passed)>> ExpectedQualityAsync()
    {
        var rows = await fixture.RowsAsync(
            """
            select (select min(o.model_id) from objects o where o.instance_fk = i.id and o.kind in ('latent', 'latent+residual', 'ai-latent')),
                   coalesce(nullif(s.modality, ''), '(none)'), i.compression, i.psnr::text, i.compression_candidates::text
            from instances i left join series s on s.id = i.series_fk where i.state = 'compressed'
            """);
        var result = new Dictionary<string, (long, double?, double?, long, long)>();
        foreach (var group in rows.Where(row => row[0].Length > 0 && row[4].Length > 0).GroupBy(row => $"{row[0]}.{row[1]}"))
        {
            var served = group.Where(row => row[2] is "latent" or "latent+residual").ToList();
            var psnr = served.Where(row => row[3].Length > 0).Select(row => double.Parse(row[3], CultureInfo.InvariantCulture)).Order().ToArray();
            var latents = group.Select(row => JsonNode.Parse(row[4])!["candidates"]!.AsArray().Where(c => c is JsonArray a && a[0]!.GetValue<string>() == "latent").ToList())
                .Where(list => list.Count > 0).ToList();
            result[group.Key] = (served.Count, Percentile(psnr, 0.5), Percentile(psnr, 0.05), latents.Count, latents.Count(list => list.Any(c => c![6]!.GetValue<bool>())));
        }

        return result;
    }

    /// <summary>PostgreSQL's percentile_cont: linear interpolation between the closest ranks.</summary>
    private static double? Percentile(double[] sorted, double fraction)
    {
        if (sorted.Length == 0)
        {
            return null;
        }

        var position = fraction * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }

    /// <summary>Every instance and object row, the count of jobs, series and studies, and every file (with its size) under the data folder.</summary>
    private async Task<string> SnapshotAsync()
    {
        var rows = await fixture.RowsAsync(
            """
            select i.id, i.state, i.compression, i.psnr, i.ssim, i.compression_candidates::text, o.kind, o.object_key, o.size_bytes, o.sha256, o.model_id
            from instances i left join objects o on o.instance_fk = i.id order by i.id, o.id
            """);
        var counts = await fixture.RowsAsync("select (select count(*) from jobs), (select count(*) from series), (select count(*) from studies)");
        var files = Directory.GetFiles(fixture.Gateway.DataDirectory, "*", SearchOption.AllDirectories)
            .Select(file => $"{Path.GetRelativePath(fixture.Gateway.DataDirectory, file)} {new FileInfo(file).Length.ToString(CultureInfo.InvariantCulture)}")
            .Order(StringComparer.Ordinal);
        return string.Join('\n', rows.Select(row => string.Join('|', row)).Concat(counts.Select(row => string.Join('|', row))).Concat(files));
    }

    private static string? Screenshot()
    {
        var keep = Environment.GetEnvironmentVariable("GATEWAY_CONSOLE_SCREENSHOTS") == "1";
        var folder = keep ? ConsoleBrowser.ScreenshotFolder : Path.GetTempPath();
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, keep ? "models.png" : $"gateway-console-models-{Guid.NewGuid():N}.png");
    }
}
