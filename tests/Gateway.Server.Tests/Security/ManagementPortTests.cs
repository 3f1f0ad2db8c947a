using System.Net;
using Gateway.Server.Hosting;

namespace Gateway.Server.Tests.Security;

/// <summary>
/// The management port (authentication on, tokens from a real oidc-provider): /metrics and health without a token
/// there and nothing else; /metrics on the main port still needs an admin, whatever Host header a client sends.
/// </summary>
public sealed class ManagementPortTests(PostgresCluster cluster)
{
    [Fact]
    public async Task The_management_port_serves_metrics_without_a_token_and_no_dicomweb_while_the_main_port_wants_an_admin()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var port = PeerProcess.FreeLoopbackPort();
        await using var secured = await SecuredGateway.StartAsync(cluster, new Dictionary<string, string?> { ["Management:Url"] = $"127.0.0.1:{port}" });
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        using (var metrics = await management.GetAsync(new Uri("metrics", UriKind.Relative), cancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
            Assert.Contains("gateway_database_up 1", await metrics.Content.ReadAsStringAsync(cancellationToken), StringComparison.Ordinal);
        }

        using (var live = await management.GetAsync(new Uri("health/live", UriKind.Relative), cancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        foreach (var path in new[] { "dicomweb/studies", "dicomweb/wado?requestType=WADO", "api/stats", "api/keys", "" })
        {
            using var response = await management.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} on the management port: {(int)response.StatusCode}");
        }

        using (var post = await management.PostAsync(new Uri("metrics", UriKind.Relative), new StringContent(string.Empty), cancellationToken))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await secured.SendAsync(HttpMethod.Get, "metrics"));
        Assert.Equal(HttpStatusCode.Forbidden, await secured.SendAsync(HttpMethod.Get, "metrics", SecuredGateway.Bearer(await secured.Provider.TokenAsync(SecuredGateway.Viewer))));
        Assert.Equal(HttpStatusCode.OK, await secured.SendAsync(HttpMethod.Get, "metrics", SecuredGateway.Bearer(await secured.Provider.TokenAsync(SecuredGateway.Admin))));

        // The port the connection reached decides: naming the management port in Host opens nothing on the main one.
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, new Uri("metrics", UriKind.Relative));
        spoofed.Headers.Host = $"127.0.0.1:{port}";
        using var answer = await secured.Gateway.Http.SendAsync(spoofed, cancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1:9100", null)]
    [InlineData("127.0.0.1:0", "fixed port")]
    [InlineData("127.0.0.1:8080", "another listener's")]
    [InlineData("not an address:x", "HOST:PORT")]
    public void A_management_port_must_be_fixed_and_its_own(string url, string? problem)
    {
        var found = new ManagementOptions { Url = url }.Problem(["127.0.0.1:8080", null]);
        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.Contains(problem, found, StringComparison.Ordinal);
        }
    }
}
