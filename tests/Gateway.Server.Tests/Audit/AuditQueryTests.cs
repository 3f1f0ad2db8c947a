using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Server.Tests.DicomWeb.Retrieve;
using Npgsql;

namespace Gateway.Server.Tests.Audit;

/// <summary>The audit table is append-only, and GET /api/audit filters (action, actor, study, from, to) and pages (limit, cursor) it.</summary>
public sealed class AuditQueryTests(PostgresCluster cluster)
{
    private const string MrSeries = "volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon";

    private const string CtFile = "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm";

    [Fact]
    public async Task The_audit_table_refuses_updates_deletes_and_truncation()
    {
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var database = gateway.OpenDatabase();
        await using (var insert = database.CreateCommand("insert into audit_events (at, action, outcome, actor_kind, actor_id) values (now(), 'query', 0, 'ae', 'TESTER')"))
        {
            Assert.Equal(1, await insert.ExecuteNonQueryAsync(cancellationToken));
        }

        foreach (var sql in new[] { "update audit_events set actor_id = 'SOMEONE-ELSE'", "delete from audit_events", "truncate audit_events" })
        {
            await using var command = database.CreateCommand(sql);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync(cancellationToken));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
            Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        }

        var row = Assert.Single(await AuditRows.ReadAsync(gateway));
        Assert.Equal("TESTER", row.ActorId);
    }

    [Fact]
    public async Task Api_audit_filters_by_action_actor_study_and_time_and_pages_newest_first_without_gaps_or_repeats()
    {
        var mr = Directory.GetFiles(TestData.RequireSharedData(MrSeries), "*.dcm").Order(StringComparer.Ordinal).Take(3).Select(TestInstance.Of).ToArray();
        var ct = TestInstance.Of(TestData.RequireSharedData(CtFile));
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        var port = gateway.DicomPort.ToString(CultureInfo.InvariantCulture);

        // Three MR instances from one AE, then (later) the CT from another and two searches.
        ExternalTool.RunChecked("storescu", ["-aet", "MR-SCANNER", "-aec", GatewayInstance.AETitle, "127.0.0.1", port, .. mr.Select(instance => instance.Path)], "dcmtk");
        var early = await AuditRows.WaitAsync(gateway, rows => rows.Count >= 3);
        Assert.Equal(3, early.Count);
        var between = early[^1].At.AddMilliseconds(1);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        ExternalTool.RunChecked("storescu", ["-aet", "CT-SCANNER", "-aec", GatewayInstance.AETitle, "127.0.0.1", port, ct.Path], "dcmtk");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(gateway, $"dicomweb/studies?StudyInstanceUID={mr[0].Study}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(gateway, "dicomweb/series?Modality=CT")).Status);
        var all = await AuditRows.WaitAsync(gateway, rows => rows.Count >= 6);
        Assert.Equal(6, all.Count);

        Assert.Equal(all.Where(row => row.Action == "store").Select(row => row.Id).Reverse(), await IdsAsync(gateway, "action=store"));
        Assert.Equal(early.Select(row => row.Id).Reverse(), await IdsAsync(gateway, "actor=MR-SCANNER"));
        Assert.Equal(all.Where(row => row.Study == mr[0].Study).Select(row => row.Id).Reverse(), await IdsAsync(gateway, "study=" + mr[0].Study));
        Assert.Equal(4, all.Count(row => row.Study == mr[0].Study));
        Assert.Equal(all.Skip(3).Select(row => row.Id).Reverse(), await IdsAsync(gateway, "from=" + Uri.EscapeDataString(between.ToString("O", CultureInfo.InvariantCulture))));
        Assert.Equal(early.Select(row => row.Id).Reverse(), await IdsAsync(gateway, "to=" + Uri.EscapeDataString(between.ToString("O", CultureInfo.InvariantCulture))));
        Assert.Equal([Assert.Single(all, row => row.Action == "query" && row.Study == mr[0].Study).Id], await IdsAsync(gateway, $"action=query&study={mr[0].Study}"));

        // Pages of two, newest first, then the end (no next).
        var paged = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var (status, body) = await GetAsync(gateway, "api/audit?limit=2" + (cursor is null ? string.Empty : "&cursor=" + cursor));
            Assert.Equal(HttpStatusCode.OK, status);
            var page = body!["events"]!.AsArray().Select(item => item!["id"]!.GetValue<long>()).ToList();
            Assert.True(page.Count <= 2);
            paged.AddRange(page);
            cursor = body["next"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(all.Select(row => row.Id).Reverse(), paged);

        foreach (var wrong in new[] { "limit=1001", "limit=0", "action=steal", "from=yesterday", "cursor=x" })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(gateway, "api/audit?" + wrong)).Status);
        }
    }

    private static async Task<List<long>> IdsAsync(GatewayInstance gateway, string filter)
    {
        var (status, body) = await GetAsync(gateway, "api/audit?limit=1000&" + filter);
        Assert.Equal(HttpStatusCode.OK, status);
        return body!["events"]!.AsArray().Select(item => item!["id"]!.GetValue<long>()).ToList();
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(GatewayInstance gateway, string path)
    {
        using var response = await gateway.Http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0 ? JsonNode.Parse(text) : null);
    }
}
