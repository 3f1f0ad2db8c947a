using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Server.Security;
using Microsoft.AspNetCore.Http;

namespace Gateway.Server.Tests.Security;

/// <summary>Request limits per client (authentication on, tokens from a real oidc-provider): per API key, per token subject, else per address.</summary>
public sealed class RateLimitTests(PostgresCluster cluster)
{
    private static readonly string[] ViewerRoles = ["viewer"];

    [Fact]
    public async Task A_client_over_its_limit_gets_429_with_retry_after_while_another_key_and_the_health_checks_are_unaffected()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var secured = await SecuredGateway.StartAsync(cluster, new Dictionary<string, string?>
        {
            ["RateLimit:RequestsPerWindow"] = "5",
            ["RateLimit:WindowSeconds"] = "60",
        });
        var admin = SecuredGateway.Bearer(await secured.Provider.TokenAsync(SecuredGateway.Admin));
        var first = await CreateViewerKeyAsync(secured.Gateway.Http, admin, "script-1");
        var second = await CreateViewerKeyAsync(secured.Gateway.Http, admin, "script-2");

        for (var request = 1; request <= 5; request++)
        {
            Assert.Equal(HttpStatusCode.OK, await secured.SendAsync(HttpMethod.Get, "dicomweb/studies", apiKey: first));
        }

        using (var over = new HttpRequestMessage(HttpMethod.Get, new Uri("dicomweb/studies", UriKind.Relative)))
        {
            over.Headers.Add(ApiKeyAuthenticationHandler.HeaderName, first);
            using var response = await secured.Gateway.Http.SendAsync(over, cancellationToken);
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            var retryAfter = response.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
        }

        Assert.Equal(HttpStatusCode.OK, await secured.SendAsync(HttpMethod.Get, "dicomweb/studies", apiKey: second));

        // Callers without a token count by address; the health checks are never limited.
        for (var request = 1; request <= 5; request++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await secured.SendAsync(HttpMethod.Get, "dicomweb/studies"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await secured.SendAsync(HttpMethod.Get, "dicomweb/studies"));
        for (var request = 1; request <= 10; request++)
        {
            Assert.Equal(HttpStatusCode.OK, await secured.SendAsync(HttpMethod.Get, "health/live"));
        }

        // The admin's token is a client of its own (two key creations so far).
        Assert.Equal(HttpStatusCode.OK, await secured.SendAsync(HttpMethod.Get, "api/stats", admin));
    }

    [Theory]
    [InlineData("203.0.113.7", null, "203.0.113.7")]
    [InlineData("203.0.113.7", "198.51.100.1", "203.0.113.7")]
    [InlineData("10.0.0.5", "198.51.100.1", "198.51.100.1")]
    [InlineData("10.0.0.5", "192.0.2.9, 198.51.100.1, 10.0.0.6", "198.51.100.1")]
    [InlineData("10.0.0.5", "garbage, 198.51.100.1", "198.51.100.1")]
    [InlineData("10.0.0.5", "198.51.100.1, garbage", "10.0.0.5")]
    [InlineData("::ffff:10.0.0.5", "2001:db8::1", "2001:db8::1")]
    public void The_client_address_is_the_connection_s_or_what_a_trusted_proxy_forwards(string remote, string? forwardedFor, string expected)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (forwardedFor is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        Assert.Equal(IPAddress.Parse(expected), ClientPartition.AddressOf(context, ["10.0.0.0/8"]));
    }

    private static async Task<string> CreateViewerKeyAsync(HttpClient http, System.Net.Http.Headers.AuthenticationHeaderValue admin, string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("api/keys", UriKind.Relative)) { Content = JsonContent.Create(new { name, roles = ViewerRoles }) };
        request.Headers.Authorization = admin;
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["key"]!.GetValue<string>();
    }
}
