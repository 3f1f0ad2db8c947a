using System.Net;
using Npgsql;

namespace Gateway.Server.Tests.Admin;

/// <summary>/health/ready follows PostgreSQL: 503 while it cannot be reached (the connection relayed through a cut TCP relay), 200 again once it can.</summary>
public sealed class ReadinessTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Ready_turns_503_while_PostgreSQL_is_unreachable_and_back_to_200_while_live_stays_200()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var direct = new NpgsqlConnectionStringBuilder(await cluster.CreateEmptyDatabaseAsync(cancellationToken));
        // The test cluster listens only on a Unix socket in the folder named by Host.
        await using var relay = new TcpRelay(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(direct.Host!, $".s.PGSQL.{direct.Port}")));
        relay.Start();
        var relayed = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Host = "127.0.0.1", Port = relay.Port, Timeout = 3 };
        await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?> { ["Postgres"] = relayed.ConnectionString });

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, "health/ready"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, "api/stats"));

        await relay.CutAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(gateway, "health/ready"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(gateway, "health/live"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(gateway, "api/stats"));
        Assert.Contains("gateway_database_up 0", await gateway.Http.GetStringAsync(new Uri("metrics", UriKind.Relative), cancellationToken), StringComparison.Ordinal);

        relay.Start();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpStatusCode status;
        while ((status = await StatusAsync(gateway, "health/ready")) != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, cancellationToken);
        }

        Assert.Equal(HttpStatusCode.OK, status);
    }

    private static async Task<HttpStatusCode> StatusAsync(GatewayInstance gateway, string path)
    {
        using var response = await gateway.Http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        return response.StatusCode;
    }
}
