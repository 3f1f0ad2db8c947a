using System.Net;
using Gateway.Server.Hosting;
using Gateway.Server.Security;
using Gateway.Server.Tests.Crash;
using Gateway.Server.Tests.Operations;
using Microsoft.Extensions.Logging;

namespace Gateway.Server.Tests.Security;

/// <summary>Secure defaults: without authentication the gateway serves loopback only and says so; a public address needs --insecure.</summary>
public sealed class BindSafetyTests(PostgresCluster cluster)
{
    [Theory]
    [InlineData("127.0.0.1:8080", true)]
    [InlineData("127.9.8.7:8080", true)]
    [InlineData("localhost:8080", true)]
    [InlineData("[::1]:8080", true)]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("0.0.0.0:8080", false)]
    [InlineData("[::]:8080", false)]
    [InlineData("*:8080", false)]
    [InlineData("+:8080", false)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("10.1.2.3:8080", false)]
    [InlineData("gateway.hospital.example:8080", false)]
    public void Only_localhost_and_loopback_addresses_count_as_loopback(string http, bool loopback) =>
        Assert.Equal(loopback, HttpBindSafety.IsLoopback(http));

    [Fact]
    public async Task Gateway_serve_refuses_a_public_http_address_without_authentication_and_says_what_to_configure()
    {
        var data = Directory.CreateTempSubdirectory("gateway-insecure-").FullName;
        try
        {
            var (exitCode, output) = await PeerProcess.RunAsync(
                "dotnet", [GatewayProcess.GatewayDll(), "serve", "--data", data, "--http", "0.0.0.0:" + PeerProcess.FreeLoopbackPort()], "dotnet-sdk-10.0", timeout: TimeSpan.FromMinutes(1));
            Assert.Equal(2, exitCode);
            Assert.Contains("Refusing to serve HTTP on 0.0.0.0:", output, StringComparison.Ordinal);
            Assert.Contains("Gateway:Security:Authority", output, StringComparison.Ordinal);
            Assert.Contains("--insecure", output, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(data, "pg")), "nothing should have started");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Without_authentication_on_loopback_the_gateway_starts_and_says_it_serves_loopback_only()
    {
        var logs = new LogCapture();
        await using var gateway = await GatewayInstance.StartAsync(cluster, configure: builder => builder.Logging.AddProvider(logs));
        var said = Assert.Single(logs.Entries, entry => entry.EventId == 7700);
        Assert.Contains("loopback only", said.Message, StringComparison.Ordinal);
        using var response = await gateway.Http.GetAsync(new Uri("api/stats", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task With_insecure_a_public_address_is_served_open_with_a_warning()
    {
        var logs = new LogCapture();
        await using var gateway = await GatewayInstance.StartAsync(
            cluster,
            new Dictionary<string, string?> { ["Http"] = "0.0.0.0:0", ["Security:Insecure"] = "true" },
            builder => builder.Logging.AddProvider(logs));
        Assert.Equal(1, logs.Count(7701));
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{gateway.BaseAddress.Port}/health/live"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void A_public_kestrel_endpoint_is_refused_too_without_authentication()
    {
        var refused = Assert.Throws<InsecureBindException>(() => GatewayHost.Build(new Dictionary<string, string?>
        {
            ["Gateway:DataDirectory"] = Path.Combine(Path.GetTempPath(), "never-created-" + Guid.NewGuid().ToString("N")),
            ["Kestrel:Endpoints:Public:Url"] = "http://0.0.0.0:8443",
        }));
        Assert.Contains("http://0.0.0.0:8443", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_authority_without_an_audience_is_refused_at_start_naming_the_setting()
    {
        var failure = Assert.ThrowsAny<Exception>(() => GatewayHost.Build(new Dictionary<string, string?>
        {
            ["Gateway:DataDirectory"] = Path.Combine(Path.GetTempPath(), "never-created-" + Guid.NewGuid().ToString("N")),
            ["Gateway:Security:Authority"] = "https://idp.hospital.example",
        }));
        Assert.Contains("Gateway:Security:Audience is required", failure.Message, StringComparison.Ordinal);
    }
}
