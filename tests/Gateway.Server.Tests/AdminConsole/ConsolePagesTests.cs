using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Core.Statistics;
using Gateway.Server.AdminConsole;
using Gateway.Server.Tests.Interop;

namespace Gateway.Server.Tests.AdminConsole;

/// <summary>
/// The admin console in headless Chromium (Playwright) against one real gateway with stored MR, CT and CR instances:
/// sign-in from the redirect and back, each page free of console errors under its Content-Security-Policy, every figure
/// equal to /api/stats and to what the test computes from PostgreSQL and the object files itself, and the jobs
/// page's retry and cancel buttons. Screenshots are kept in docs/console/ when GATEWAY_CONSOLE_SCREENSHOTS=1.
/// </summary>
public sealed class ConsolePagesTests(ConsoleGateway fixture) : IClassFixture<ConsoleGateway>
{
    private static readonly string[] ConsolePages = ["overview", "jobs", "quality"];

    private static readonly string[] Modalities = ["MR", "CT", "CR"];

    private ConsoleBrowser.Plan Plan(bool access = false, bool pages = false, long? job = null) => new(
        fixture.Gateway.BaseAddress.AbsoluteUri,
        ConsoleGateway.Password,
        fixture.ViewerKey,
        access,
        pages ? [.. ConsolePages.Select(name => new ConsoleBrowser.Page(name, name == "overview" ? ConsoleEndpoints.Root : $"{ConsoleEndpoints.Root}/{name}", Screenshot(name)))] : null,
        job);

    [Fact]
    public async Task A_browser_without_a_session_goes_to_login_and_a_viewer_gets_403_while_API_clients_keep_the_JSON_of_root()
    {
        var seen = await ConsoleBrowser.RunAsync(Plan(access: true));
        var site = fixture.Gateway.BaseAddress;
        Assert.Equal(new Uri(site, "login?ReturnUrl=%2Fconsole%2Fjobs").AbsoluteUri, seen["anonymous"]!["consoleUrl"]!.GetValue<string>());
        Assert.Equal(new Uri(site, "login?ReturnUrl=%2Fconsole").AbsoluteUri, seen["anonymous"]!["rootUrl"]!.GetValue<string>());
        Assert.Equal(403, seen["viewer"]!["status"]!.GetValue<int>());
        Assert.Contains("needs the admin role", seen["viewer"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);

        // An API client (no text/html in Accept) gets /'s JSON, and 401 rather than a redirect from the console.
        var root = JsonNode.Parse(await fixture.Gateway.Http.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken))!;
        Assert.Equal("MedVAE Gateway", root["service"]!.GetValue<string>());
        Assert.Equal(new Uri(site, "console").AbsoluteUri, root["links"]!["console"]!.GetValue<string>());
        using var console = await fixture.Gateway.Http.GetAsync(new Uri("console", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, console.StatusCode);
    }

    [Fact]
    public async Task Every_page_loads_without_console_errors_and_shows_the_figures_of_api_stats_and_of_PostgreSQL()
    {
        var seen = await ConsoleBrowser.RunAsync(Plan(pages: true));
        var site = fixture.Gateway.BaseAddress;
        var signIn = seen["signIn"]!;
        Assert.Equal(new Uri(site, "login?ReturnUrl=%2Fconsole%2Fjobs").AbsoluteUri, signIn["loginUrl"]!.GetValue<string>());
        Assert.Equal(new Uri(site, "console/jobs").AbsoluteUri, signIn["landedUrl"]!.GetValue<string>());
        Assert.Empty(signIn["problems"]!.AsArray());

        var stats = seen["stats"]!;
        var quality = seen["quality"]!;
        var checks = new List<string>();
        foreach (var name in ConsolePages)
        {
            var page = seen["pages"]![name]!;
            Check(checks, page["status"]!.GetValue<int>() == 200, $"{name}: HTTP {page["status"]}");
            Check(checks, page["csp"]?.GetValue<string>() == ConsolePage.ContentSecurityPolicy, $"{name}: Content-Security-Policy {page["csp"]}");
            Check(checks, page["problems"]!.AsArray().Count == 0, $"{name}: {page["problems"]!.ToJsonString()}");
            Check(checks, page["stylesheets"]!.GetValue<int>() == 1, $"{name}: {page["stylesheets"]} stylesheets");
            foreach (var (figure, value) in page["figures"]!.AsObject())
            {
                if (name == "quality")
                {
                    var answer = ExpectedQuality(quality, figure);
                    var text = value!.GetValue<string>();
                    Check(checks, text.Length == 0 ? answer is null : answer is { } number && Math.Abs(double.Parse(text, CultureInfo.InvariantCulture) - number) <= Math.Abs(number) * 1e-12, $"quality: {figure} shows '{text}', /api/quality says {answer}");
                    continue;
                }

                if (figure.StartsWith("drain.", StringComparison.Ordinal))
                {
                    // The Jobs page's queue progress (rate, ETA; empty while unknown): MetricsFiguresTests checks it.
                    continue;
                }

                var expected = Expected(stats, figure);
                var shown = double.Parse(value!.GetValue<string>(), CultureInfo.InvariantCulture);
                var tolerance = figure.StartsWith("databaseBytes", StringComparison.Ordinal) || figure.StartsWith("storedBytesWithDatabase", StringComparison.Ordinal) || figure == "ratioWithDatabase"
                    ? Math.Abs(expected) * 0.05 // the database grows by the audit rows of the requests between the page and /api/stats
                    : Math.Abs(expected) * 1e-12;
                Check(checks, Math.Abs(shown - expected) <= tolerance, $"{name}: {figure} shows {shown}, /api/stats says {expected}");
            }
        }

        var overview = seen["pages"]!["overview"]!;
        var figures = overview["figures"]!.AsObject().ToDictionary(entry => entry.Key, entry => double.Parse(entry.Value!.GetValue<string>(), CultureInfo.InvariantCulture));
        Assert.True(figures.Count >= 40, $"only {figures.Count} figures on the overview");

        // The test's own account from PostgreSQL and the object files.
        var totals = (await fixture.RowsAsync(
            """
            select count(*), coalesce(sum(original_bytes), 0),
                   (select coalesce(sum(o.size_bytes), 0) from objects o join instances v on v.id = o.instance_fk where v.state <> 'receiving')
            from instances where state <> 'receiving'
            """)).Single();
        Check(checks, figures["instances"] == double.Parse(totals[0], CultureInfo.InvariantCulture), $"instances {figures["instances"]} vs {totals[0]} rows");
        Check(checks, figures["originalBytes"] == double.Parse(totals[1], CultureInfo.InvariantCulture), $"originalBytes {figures["originalBytes"]} vs {totals[1]}");
        Check(checks, figures["storedBytes"] == double.Parse(totals[2], CultureInfo.InvariantCulture), $"storedBytes {figures["storedBytes"]} vs {totals[2]}");
        var files = new ArchiveProbe(fixture.Gateway.ConnectionString, fixture.Gateway.DataDirectory).ObjectFiles().Sum(path => new FileInfo(path).Length);
        Check(checks, figures["storedBytes"] == files, $"storedBytes {figures["storedBytes"]} vs {files} bytes of object files");
        var database = await fixture.ScalarAsync("select pg_database_size(current_database())");
        Check(checks, Math.Abs(figures["databaseBytes"] - database) <= database * 0.05, $"databaseBytes {figures["databaseBytes"]} vs {database}");

        foreach (var row in await fixture.RowsAsync(
                     "select s.modality, count(*), sum(i.original_bytes) from instances i join series s on s.id = i.series_fk where i.state <> 'receiving' group by 1"))
        {
            Check(checks, figures.GetValueOrDefault($"byModality.{row[0]}.instances") == double.Parse(row[1], CultureInfo.InvariantCulture), $"{row[0]}: {row[1]} instances");
            Check(checks, figures.GetValueOrDefault($"byModality.{row[0]}.originalBytes") == double.Parse(row[2], CultureInfo.InvariantCulture), $"{row[0]}: {row[2]} original bytes");
        }

        Assert.True(Modalities.All(modality => figures.ContainsKey($"byModality.{modality}.instances")), "MR, CT and CR are not all on the overview");
        foreach (var row in await fixture.RowsAsync("select compression, count(*) from instances where state = 'compressed' and compression <> 'kept' group by 1"))
        {
            Check(checks, figures.GetValueOrDefault($"byRepresentation.{row[0]}.instances") == double.Parse(row[1], CultureInfo.InvariantCulture), $"{row[0]}: {row[1]} compressed instances");
        }

        Assert.True(await fixture.ScalarAsync("select count(*) from instances where compression in ('latent', 'latent+residual', 'j2k-lossy')") > 0, "no instance became lossy: the overview shows no savings");
        foreach (var row in await fixture.RowsAsync("select state, count(*) from jobs group by 1 union all select 'done', coalesce(sum(done), 0) from job_totals"))
        {
            Check(checks, figures[$"queue.byState.{row[0]}"] == double.Parse(row[1], CultureInfo.InvariantCulture), $"{row[1]} jobs {row[0]}");
        }

        Check(checks, figures["queue.compressedLast24Hours"] == await fixture.ScalarAsync("select count(*) from instances where compressed_at >= now() - interval '24 hours'"), "compressed in the last 24 h");
        var failed = await fixture.RowsAsync("select id from jobs where state = 'failed' order by id");
        Check(checks, figures["queue.failedLast24Hours"] == failed.Count, $"failed in the last 24 h: {failed.Count} rows");

        var bars = overview["bars"]!["savings-per-day"]!.AsArray();
        var days = await fixture.RowsAsync(
            """
            select to_char(i.received_at at time zone 'UTC', 'YYYY-MM-DD'),
                   sum(i.original_bytes) - coalesce(sum((select sum(o.size_bytes) from objects o where o.instance_fk = i.id)), 0)
            from instances i where i.state <> 'receiving' group by 1 order by 1
            """);
        Check(checks, bars.Count == days.Count, $"{bars.Count} bars for {days.Count} days");
        foreach (var (bar, day) in bars.Zip(days))
        {
            Check(checks, bar!["label"]!.GetValue<string>() == day[0] && double.Parse(bar["value"]!.GetValue<string>(), CultureInfo.InvariantCulture) == double.Parse(day[1], CultureInfo.InvariantCulture), $"bar {bar.ToJsonString()} vs {string.Join(' ', day)}");
        }

        var health = overview["health"]!.AsObject();
        Check(checks, health.Count == 3 && health.All(entry => entry.Value!.GetValue<string>() == "ok"), $"health {health.ToJsonString()}");

        var jobs = seen["pages"]!["jobs"]!;
        var listed = jobs["jobs"]!.AsArray().Select(id => id!.GetValue<string>()).ToHashSet();
        Check(checks, failed.All(row => listed.Contains(row[0])), $"failed jobs {string.Join(", ", failed.Select(row => row[0]))} not all listed in {string.Join(", ", listed)}");
        Check(checks, jobs["text"]!.GetValue<string>().Contains("permanent: DicomParseException", StringComparison.Ordinal), "the jobs page does not show the failures' reason");
        foreach (var row in await fixture.RowsAsync("select kind, state, count(*) from jobs group by 1, 2"))
        {
            var figure = jobs["figures"]![$"queue.byKind.{row[0]}.{row[1]}"]?.GetValue<string>();
            Check(checks, figure == row[2], $"jobs page: {row[0]} {row[1]} shows {figure}, {row[2]} rows");
        }

        await CheckQualityAsync(checks, seen["pages"]!["quality"]!, quality);
        Assert.True(checks.Count == 0, string.Join('\n', checks));
    }

    [Fact]
    public async Task Retry_queues_a_failed_job_again_and_cancel_removes_it_each_leaving_an_audit_row()
    {
        var job = await fixture.ScalarAsync(
            $"select j.id from jobs j join instances i on i.id = j.instance_fk where j.state = 'failed' and j.kind = 'compress' and i.sop_instance_uid = '{fixture.Damaged[^1]}'");
        var seen = await ConsoleBrowser.RunAsync(Plan(job: job));

        Assert.Contains($"Job {job.ToString(CultureInfo.InvariantCulture)} is queued again.", seen["retry"]!["notice"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("queued", seen["retry"]!["state"]!.GetValue<string>());
        Assert.Contains($"Job {job.ToString(CultureInfo.InvariantCulture)} is cancelled.", seen["cancel"]!["notice"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, seen["cancel"]!["listed"]!.GetValue<int>());
        Assert.Empty(seen["actionProblems"]!.AsArray());
        Assert.Equal(0, await fixture.ScalarAsync($"select count(*) from jobs where id = {job.ToString(CultureInfo.InvariantCulture)}"));
        Assert.Equal("stored", (await fixture.RowsAsync($"select state from instances where sop_instance_uid = '{fixture.Damaged[^1]}'")).Single()[0]);

        // The audit trail is written in the background: wait for both rows.
        var expected = new[] { $"job-retry admin job {job}: retried", $"job-cancel admin job {job}: cancelled" };
        List<string> rows = [];
        for (var attempt = 0; attempt < 50 && !expected.All(rows.Contains); attempt++)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
            rows = [.. (await fixture.RowsAsync("select action, actor_id, detail from audit_events where action like 'job-%' and outcome = 0")).Select(row => string.Join(' ', row))];
        }

        Assert.True(expected.All(rows.Contains), $"audit rows: {string.Join("; ", rows)}");
    }

    [Fact]
    public async Task Compare_shows_original_reconstruction_and_a_difference_that_is_dark_only_for_a_lossless_instance()
    {
        Assert.Equal("latent", (await fixture.RowsAsync($"select compression from instances where sop_instance_uid = '{fixture.LossyCt.Instance}'")).Single()[0]);
        Assert.Equal("lossless", (await fixture.RowsAsync($"select compression from instances where sop_instance_uid = '{fixture.LosslessCr.Instance}'")).Single()[0]);
        var folder = Directory.CreateTempSubdirectory("gateway-compare-").FullName;
        try
        {
            var lossy = Path.Combine(folder, "lossy");
            var lossless = Path.Combine(folder, "lossless");
            Directory.CreateDirectory(lossy);
            Directory.CreateDirectory(lossless);
            var plan = Plan() with
            {
                Compare =
                [
                    new("lossy", ConsoleEndpoints.ComparePath(fixture.LossyCt.Study, fixture.LossyCt.Series, fixture.LossyCt.Instance) + "?preset=soft-tissue", lossy, Screenshot("compare")),
                    new("lossless", ConsoleEndpoints.ComparePath(fixture.LosslessCr.Study, fixture.LosslessCr.Series, fixture.LosslessCr.Instance), lossless, null),
                ],
            };
            var seen = await ConsoleBrowser.RunAsync(plan);
            foreach (var (name, images) in new[] { ("lossy", lossy), ("lossless", lossless) })
            {
                var page = seen["compare"]![name]!;
                Assert.Equal(200, page["status"]!.GetValue<int>());
                Assert.Empty(page["problems"]!.AsArray());
                var loaded = page["images"]!.AsArray();
                Assert.Equal(["original", "reconstruction", "difference"], loaded.Select(image => image!["id"]!.GetValue<string>()));
                Assert.All(loaded, image => Assert.True(image!["complete"]!.GetValue<bool>() && image["width"]!.GetValue<int>() > 0, $"{name}: {image.ToJsonString()} did not load"));
                foreach (var shown in new[] { "original", "reconstruction" })
                {
                    var facts = Inside(Path.Combine(images, shown + ".png"));
                    Assert.True(facts.StdDev > 10, $"{name} {shown}: grey-level standard deviation {facts.StdDev:F1}, no image");
                }

                var differencePng = Path.Combine(images, "difference.png");
                var kept = Path.Combine(Path.GetTempPath(), $"gateway-compare-{name}-difference.png");
                File.Copy(differencePng, kept, overwrite: true);
                var difference = Inside(differencePng);
                if (name == "lossy")
                {
                    Assert.True(difference.StdDev > 1 && difference.BrightFraction > 0, $"the lossy difference is blank (deviation {difference.StdDev:F2}, {difference.BrightFraction:P2} bright; kept at {kept})");
                }
                else
                {
                    Assert.True(difference.StdDev == 0 && difference.BrightFraction == 0, $"the lossless difference is not blank (deviation {difference.StdDev:F2}, {difference.BrightFraction:P2} bright; kept at {kept})");
                }
            }

            var psnr = (await fixture.RowsAsync($"select psnr from instances where sop_instance_uid = '{fixture.LossyCt.Instance}'")).Single()[0];
            Assert.Equal(double.Parse(psnr, CultureInfo.InvariantCulture), double.Parse(seen["compare"]!["lossy"]!["figures"]!["compare.psnr"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Compare_a_sample_shows_every_compressed_instance_whose_original_is_kept_with_its_three_images_and_refuses_bad_parameters()
    {
        // The test's own account: compressed instances with their original still kept, and their measured PSNR.
        var expected = (await fixture.RowsAsync(
                """
                select i.sop_instance_uid, i.compression, coalesce(i.psnr::text, ''), coalesce(s.modality, '') from instances i join series s on s.id = i.series_fk
                where i.state = 'compressed' and exists (select 1 from objects o where o.instance_fk = i.id and o.kind = 'original')
                """))
            .ToDictionary(row => row[0], row => (Representation: row[1], Psnr: row[2], Modality: row[3]), StringComparer.Ordinal);
        Assert.Contains(fixture.LossyCt.Instance, expected.Keys);
        Assert.Contains(fixture.LosslessCr.Instance, expected.Keys);
        var folder = Directory.CreateTempSubdirectory("gateway-compare-sample-").FullName;
        try
        {
            string Folder(string name) => Directory.CreateDirectory(Path.Combine(folder, name)).FullName;
            var plan = Plan() with
            {
                Compare =
                [
                    new("all", ConsoleEndpoints.Root + "/compare?count=24", Folder("all"), Screenshot("compare-sample")),
                    new("ct", ConsoleEndpoints.Root + "/compare?modality=CT&representation=latent&preset=soft-tissue", Folder("ct"), null),
                    new("none", ConsoleEndpoints.Root + "/compare?modality=MG", Folder("none"), null),
                    new("count", ConsoleEndpoints.Root + "/compare?count=0", Folder("count"), null),
                    new("repeated", ConsoleEndpoints.Root + "/compare?modality=CT&modality=MR", Folder("repeated"), null),
                    new("representation", ConsoleEndpoints.Root + "/compare?representation=jpeg", Folder("representation"), null),
                ],
            };
            var seen = await ConsoleBrowser.RunAsync(plan);
            var all = seen["compare"]!["all"]!;
            Assert.Equal(200, all["status"]!.GetValue<int>());
            Assert.Empty(all["problems"]!.AsArray());
            var shown = all["instances"]!.AsArray().Select(uid => uid!.GetValue<string>()).ToList();
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), shown.Order(StringComparer.Ordinal));
            Assert.Equal(shown.Count.ToString(CultureInfo.InvariantCulture), all["figures"]!["sample.instances"]!.GetValue<string>());
            var images = all["images"]!.AsArray();
            Assert.Equal(3 * shown.Count, images.Count);
            Assert.All(images, image => Assert.True(image!["complete"]!.GetValue<bool>() && image["width"]!.GetValue<int>() > 0, $"{image.ToJsonString()} did not load"));
            for (var number = 1; number <= shown.Count; number++)
            {
                var (representation, psnr, _) = expected[shown[number - 1]];
                var prefix = Path.Combine(folder, "all", $"s{number.ToString(CultureInfo.InvariantCulture)}-");
                Assert.True(Inside(prefix + "original.png").StdDev > 10, $"row {number}: no original image");
                var difference = Inside(prefix + "difference.png");
                if (representation == "lossless")
                {
                    Assert.True(difference.StdDev == 0 && difference.BrightFraction == 0, $"row {number} (lossless): the difference is not blank ({difference.StdDev:F2})");
                }
                else
                {
                    Assert.True(difference.StdDev > 1 && difference.BrightFraction > 0, $"row {number} ({representation}): the difference is blank ({difference.StdDev:F2})");
                }

                var figure = all["figures"]![$"sample.{number.ToString(CultureInfo.InvariantCulture)}.psnr"]!.GetValue<string>();
                Assert.Equal(psnr.Length == 0 ? (double?)null : double.Parse(psnr, CultureInfo.InvariantCulture), figure.Length == 0 ? (double?)null : double.Parse(figure, CultureInfo.InvariantCulture));
            }

            var ct = seen["compare"]!["ct"]!;
            Assert.Equal(200, ct["status"]!.GetValue<int>());
            Assert.Equal(
                expected.Where(pair => pair.Value.Modality == "CT" && pair.Value.Representation == "latent").Select(pair => pair.Key).Order(StringComparer.Ordinal),
                ct["instances"]!.AsArray().Select(uid => uid!.GetValue<string>()).Order(StringComparer.Ordinal));
            Assert.Equal(200, seen["compare"]!["none"]!["status"]!.GetValue<int>());
            Assert.Empty(seen["compare"]!["none"]!["instances"]!.AsArray());
            foreach (var refused in new[] { "count", "repeated", "representation" })
            {
                Assert.Equal(400, seen["compare"]![refused]!["status"]!.GetValue<int>());
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>An element screenshot's facts without its outermost 2 pixels (where the page around the element bleeds in at fractional positions).</summary>
    private static ImageFacts Inside(string screenshot)
    {
        var whole = InteropOracle.Image(screenshot);
        return InteropOracle.Image(screenshot, (2, 2, whole.Width - 2, whole.Height - 2));
    }

    /// <summary>
    /// The quality page against the test's own account of the compressed instances: the groups' counts and histograms
    /// bucketed here from the measured columns, the gate from the candidates' JSON read here, the worst instances in order.
    /// </summary>
    private async Task CheckQualityAsync(List<string> checks, JsonNode page, JsonNode quality)
    {
        var rows = await fixture.RowsAsync(
            """
            select coalesce(nullif(s.modality, ''), '(none)'), i.compression,
                   coalesce((select min(o.model_id) from objects o where o.instance_fk = i.id and o.model_id is not null and o.kind <> 'ai-latent'), ''),
                   i.psnr, i.ssim, i.max_abs_error, i.compression_candidates::text, i.sop_instance_uid
            from instances i left join series s on s.id = i.series_fk
            where i.state = 'compressed' and i.compression <> 'kept'
            """);
        Check(checks, rows.Count > 0, "no compressed instance");
        var figures = page["figures"]!.AsObject();
        var bars = page["bars"]!.AsObject();
        foreach (var group in rows.GroupBy(row => $"{row[0]}|{row[1]}|{row[2]}"))
        {
            Check(checks, figures[$"group.{group.Key}.instances"]?.GetValue<string>() == group.Count().ToString(CultureInfo.InvariantCulture), $"group {group.Key}: {group.Count()} instances");
            foreach (var (metric, column, bounds) in new[] { ("psnr", 3, QualityReport.PsnrBounds), ("ssim", 4, QualityReport.SsimBounds), ("error", 5, QualityReport.AbsErrorBounds) })
            {
                var counts = new long[bounds.Count + 1];
                foreach (var value in group.Where(row => row[column].Length > 0).Select(row => double.Parse(row[column], CultureInfo.InvariantCulture)))
                {
                    counts[bounds.Count(bound => value >= bound)]++;
                }

                var shown = bars[$"{metric}:{group.Key}"]?.AsArray().Select(bar => long.Parse(bar!["value"]!.GetValue<string>(), CultureInfo.InvariantCulture)).ToArray() ?? [];
                Check(checks, shown.SequenceEqual(counts), $"{metric} histogram of {group.Key}: [{string.Join(", ", shown)}], counted [{string.Join(", ", counts)}]");
            }
        }

        string[] lossy = ["latent", "latent+residual", "j2k-lossy"];
        var tried = rows.Where(row => JsonNode.Parse(row[6])?["candidates"] is JsonArray candidates && candidates.Any(candidate => candidate is JsonArray trial && trial[0]!.GetValue<string>() != "lossless")).ToList();
        var passed = tried.Count(row => lossy.Contains(row[1]));
        Check(checks, tried.Count > 0 && figures["gate.all.tried"]?.GetValue<string>() == tried.Count.ToString(CultureInfo.InvariantCulture), $"gate: {tried.Count} tried a lossy candidate");
        Check(checks, figures["gate.all.passed"]?.GetValue<string>() == passed.ToString(CultureInfo.InvariantCulture), $"gate: {passed} passed");

        var worst = rows.Where(row => lossy.Contains(row[1]) && row[3].Length > 0).OrderBy(row => double.Parse(row[3], CultureInfo.InvariantCulture)).Take(QualityReport.WorstCount).Select(row => row[7]).ToList();
        var links = page["links"]!.AsArray().Select(link => link!.GetValue<string>()).ToList();
        Check(checks, worst.Count > 0 && links.Count == worst.Count && links.Zip(worst).All(pair => pair.First.StartsWith(ConsoleEndpoints.Root + "/compare/", StringComparison.Ordinal) && pair.First.EndsWith("/" + pair.Second, StringComparison.Ordinal)), $"worst instances {string.Join(", ", links)} vs {string.Join(", ", worst)}");
        Check(checks, quality["worst"]!.AsArray().Count == worst.Count, "/api/quality lists another number of worst instances");
    }

    /// <summary>What /api/quality says for a figure of the quality page: gate.{modality|all}.{field}, group.{key}.{field}, worst.{uid}.psnr.</summary>
    private static double? ExpectedQuality(JsonNode quality, string figure)
    {
        var field = figure[(figure.LastIndexOf('.') + 1)..];
        var subject = figure[(figure.IndexOf('.', StringComparison.Ordinal) + 1)..figure.LastIndexOf('.')];
        var node = figure.Split('.')[0] switch
        {
            "gate" => quality["gate"]![subject]?[field],
            "group" => quality["groups"]!.AsArray().SingleOrDefault(group => group!["key"]!.GetValue<string>() == subject)?[field],
            _ => quality["worst"]!.AsArray().SingleOrDefault(instance => instance!["sopInstanceUid"]!.GetValue<string>() == subject)?[field],
        };
        return node?.GetValue<double>();
    }

    /// <summary>What /api/stats says for a figure's name: its path in the JSON, a sum for an object, 0 where absent, or the all-in ratio.</summary>
    private static double Expected(JsonNode stats, string figure)
    {
        if (figure == "ratioWithDatabase")
        {
            return stats["originalBytes"]!.GetValue<double>() / stats["storedBytesWithDatabase"]!.GetValue<double>();
        }

        JsonNode? node = stats;
        foreach (var part in figure.Split('.'))
        {
            node = node?[part];
        }

        return node switch
        {
            null => 0,
            JsonObject members => members.Sum(member => member.Value!.GetValue<double>()),
            _ => node.GetValue<double>(),
        };
    }

    private static void Check(List<string> problems, bool ok, string what)
    {
        if (!ok)
        {
            problems.Add(what);
        }
    }

    /// <summary>Where a page's screenshot goes: docs/console/ when GATEWAY_CONSOLE_SCREENSHOTS=1, else the temporary folder.</summary>
    private static string Screenshot(string page)
    {
        var keep = Environment.GetEnvironmentVariable("GATEWAY_CONSOLE_SCREENSHOTS") == "1";
        var folder = keep ? ConsoleBrowser.ScreenshotFolder : Path.GetTempPath();
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, keep ? $"{page}.png" : $"gateway-console-{page}.png");
    }
}
