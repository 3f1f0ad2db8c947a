using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Server.Tests.Compression;

namespace Gateway.Server.Tests.Jobs;

/// <summary>
/// Issue 13 point 9: a deterministic failure (a stored original that does not parse, as one stored before ingest
/// validated would) fails its job at the first attempt, with the reason in the jobs table and in /api/stats; it is
/// not retried.
/// </summary>
public sealed class PermanentFailureTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Point09_parse_failure_in_a_job_fails_at_once_with_its_reason_in_api_stats()
    {
        var file = TestData.RequireSharedData("dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm");
        await using var gateway = await CompressionGateway.StartAsync(cluster, new Dictionary<string, string?> { ["Compression:Rules:0:Action"] = "Lossless" });
        var uid = (await gateway.StowAsync(file))[0];

        // The stored original loses its last 1000 bytes, and the index records the damaged bytes' checksum and size,
        // so the checksum passes and the parse is what fails.
        var key = (await gateway.InstanceAsync(uid)).Objects.Single().Key;
        var path = gateway.Probe.ObjectPath(key);
        var bytes = (await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken))[..^1000];
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
        await gateway.ScalarAsync(
            "update objects set sha256 = @sha, size_bytes = @size where object_key = @key returning 0",
            ("sha", Convert.ToHexStringLower(SHA256.HashData(bytes))),
            ("size", (long)bytes.Length),
            ("key", key));

        await gateway.DrainAsync();

        Assert.Equal(1, await gateway.ScalarAsync("select count(*) from jobs where kind = 'compress' and state = 'failed' and attempts = 1 and last_error like 'permanent: DicomParseException: %declares a length of 524288 bytes%'"));
        Assert.Equal(("stored", (string?)null), ((await gateway.InstanceAsync(uid)).State, (await gateway.InstanceAsync(uid)).Compression));

        using var stats = JsonDocument.Parse(await gateway.Gateway.Http.GetStringAsync(new Uri("api/stats", UriKind.Relative), TestContext.Current.CancellationToken));
        var queue = stats.RootElement.GetProperty("queue");
        Assert.Equal(1, queue.GetProperty("byKind").GetProperty("compress").GetProperty("failed").GetInt64());
        var failure = queue.GetProperty("recentFailures").EnumerateArray().Single(job => job.GetProperty("kind").GetString() == "compress");
        Assert.Equal(uid, failure.GetProperty("sopInstanceUid").GetString());
        Assert.Equal(1, failure.GetProperty("attempts").GetInt32());
        Assert.True(failure.GetProperty("permanent").GetBoolean());
        Assert.Contains("declares a length of 524288 bytes", failure.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }
}
