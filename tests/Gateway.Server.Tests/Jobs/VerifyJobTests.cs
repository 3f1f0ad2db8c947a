using System.Net;
using Gateway.Core.Jobs;
using Gateway.Dicom;
using Gateway.Server.Tests.DicomWeb.Stow;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Jobs;

/// <summary>The verify job in a running gateway: it completes for intact objects and fails, saying why, for a corrupted one.</summary>
public sealed class VerifyJobTests(PostgresCluster cluster)
{
    private const string Folder = "dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes";

    [Fact]
    public async Task The_workers_complete_the_verify_job_of_every_stored_instance()
    {
        var files = Directory.GetFiles(TestData.RequireSharedData(Folder), "*.dcm");
        await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?> { ["JobPollSeconds"] = "30" });
        await StowAsync(gateway, files);

        // Woken by NOTIFY (the poll interval is 30 s), the workers verify every instance.
        var deadline = DateTime.UtcNow.AddSeconds(25);
        IReadOnlyDictionary<string, long> states;
        do
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
            states = await JobStatesAsync(gateway);
        }
        while (states.GetValueOrDefault("done") < files.Length && DateTime.UtcNow < deadline);

        Assert.Equal(new Dictionary<string, long> { ["done"] = files.Length }, states);
    }

    [Fact]
    public async Task A_corrupted_object_fails_its_verify_job_with_the_reason_and_an_intact_one_passes()
    {
        var folder = TestData.RequireSharedData(Folder);
        string[] files = [Path.Combine(folder, "1.dcm"), Path.Combine(folder, "7.dcm")];
        await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?> { ["JobWorkers"] = "0" });
        await StowAsync(gateway, files);
        var probe = new ArchiveProbe(gateway.ConnectionString, gateway.DataDirectory);
        var corruptUid = DicomFile.Open(files[0]).Dataset.GetString(DicomTags.SOPInstanceUID)!;
        var key = (await probe.FindAsync(corruptUid))!.Value.Key!;
        var path = probe.ObjectPath(key);
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);

        // No workers run in this gateway: run its runner by hand, one job at a time.
        var runner = gateway.Services.GetRequiredService<JobRunner>();
        Assert.True(await runner.RunNextAsync("test/0", TestContext.Current.CancellationToken));
        Assert.True(await runner.RunNextAsync("test/0", TestContext.Current.CancellationToken));
        Assert.False(await runner.RunNextAsync("test/0", TestContext.Current.CancellationToken));

        await using var database = gateway.OpenDatabase();
        await using var command = database.CreateCommand(
            "select i.sop_instance_uid, j.state, j.last_error from jobs j join instances i on i.id = j.instance_fk where j.kind = 'verify'");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var jobs = new Dictionary<string, (string State, string? Error)>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            jobs[reader.GetString(0)] = (reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        }

        Assert.Equal("failed", jobs[corruptUid].State);
        Assert.Contains(key, jobs[corruptUid].Error, StringComparison.Ordinal);
        Assert.Contains("corrupt", jobs[corruptUid].Error, StringComparison.Ordinal);
        // The intact instance's job is done: deleted from the queue and counted.
        Assert.DoesNotContain(DicomFile.Open(files[1]).Dataset.GetString(DicomTags.SOPInstanceUID)!, jobs.Keys);
        Assert.Equal(new Dictionary<string, long> { ["done"] = 1, ["failed"] = 1 }, await JobStatesAsync(gateway));
    }

    private static async Task StowAsync(GatewayInstance gateway, IEnumerable<string> files)
    {
        using var content = new ByteArrayContent(MultipartBody.OfFiles(files));
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={MultipartBody.Boundary}");
        using var response = await gateway.Http.PostAsync(new Uri("dicomweb/studies", UriKind.Relative), content, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<IReadOnlyDictionary<string, long>> JobStatesAsync(GatewayInstance gateway)
    {
        await using var database = gateway.OpenDatabase();
        await using var command = database.CreateCommand(
            "select state, count(*) from jobs where kind = 'verify' group by state union all select 'done', done from job_totals where kind = 'verify'");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var states = new Dictionary<string, long>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            states[reader.GetString(0)] = reader.GetInt64(1);
        }

        return states;
    }
}
