using System.Diagnostics;
using System.Net;

namespace Gateway.Server.Tests.Storage;

/// <summary>/health/ready covers the S3 bucket: ready while radosgw answers, 503 naming the bucket within seconds once it is gone, ready again when it is back.</summary>
public sealed class S3ReadinessTests(PostgresCluster cluster, RadosGateway rados)
{
    [Fact]
    public async Task Ready_follows_whether_the_S3_server_answers()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var bucket = await rados.CreateBucketAsync(cancellationToken);
        var server = new Uri(bucket.ServiceUrl!);
        await using var relay = new TcpRelay(new IPEndPoint(IPAddress.Parse(server.Host), server.Port));
        relay.Start();
        await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
        {
            ["JobWorkers"] = "0",
            ["ObjectStore:Kind"] = "S3",
            ["ObjectStore:S3:ServiceUrl"] = $"http://127.0.0.1:{relay.Port}",
            ["ObjectStore:S3:Bucket"] = bucket.Bucket,
            ["ObjectStore:S3:AccessKeyId"] = bucket.AccessKeyId,
            ["ObjectStore:S3:SecretAccessKey"] = bucket.SecretAccessKey,
            ["ObjectStore:S3:MaxAttempts"] = "1",
        });
        Assert.Equal(HttpStatusCode.OK, (await ReadyAsync(gateway)).Status);

        await relay.CutAsync();
        var clock = Stopwatch.StartNew();
        var (status, body) = await WaitForAsync(gateway, HttpStatusCode.ServiceUnavailable);
        Assert.Contains($"S3 bucket '{bucket.Bucket}'", body, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        TestContext.Current.TestOutputHelper?.WriteLine($"not ready {clock.Elapsed.TotalSeconds:F1} s after the S3 server went away: {status} {body.Trim()}");

        relay.Start();
        Assert.Equal(HttpStatusCode.OK, (await WaitForAsync(gateway, HttpStatusCode.OK)).Status);
    }

    private static async Task<(HttpStatusCode Status, string Body)> WaitForAsync(GatewayInstance gateway, HttpStatusCode wanted)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var last = (Status: HttpStatusCode.OK, Body: string.Empty);
        while (DateTime.UtcNow < deadline)
        {
            last = await ReadyAsync(gateway);
            if (last.Status == wanted)
            {
                return last;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"/health/ready did not answer {wanted} within 30 s (last: {last.Status} {last.Body})");
        return last;
    }

    private static async Task<(HttpStatusCode Status, string Body)> ReadyAsync(GatewayInstance gateway)
    {
        using var response = await gateway.Http.GetAsync(new Uri("health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
