using System.Net;

namespace Gateway.Server.Tests.Security;

/// <summary>CORS for a viewer on another origin (authentication on, tokens from a real oidc-provider): configured origins only, DICOMweb only.</summary>
public sealed class CorsTests(PostgresCluster cluster)
{
    private const string Viewer = "https://viewer.hospital.example";

    private const string Stranger = "https://elsewhere.example";

    [Fact]
    public async Task A_configured_origin_is_allowed_on_preflight_and_get_and_another_origin_gets_no_cors_headers()
    {
        await using var secured = await SecuredGateway.StartAsync(cluster, new Dictionary<string, string?> { ["Cors:Origins:0"] = Viewer });
        var viewerToken = await secured.Provider.TokenAsync(SecuredGateway.Viewer);
        var http = secured.Gateway.Http;

        // A preflight carries no token and is answered before authentication.
        using (var preflight = await SendAsync(http, Preflight("dicomweb/studies", Viewer)))
        {
            Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
            Assert.Equal(Viewer, Header(preflight, "Access-Control-Allow-Origin"));
            Assert.Contains("authorization", Header(preflight, "Access-Control-Allow-Headers")!, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("GET", Header(preflight, "Access-Control-Allow-Methods")!, StringComparison.Ordinal);
        }

        using (var search = await SendAsync(http, Get("dicomweb/studies", Viewer, viewerToken)))
        {
            Assert.Equal(HttpStatusCode.OK, search.StatusCode);
            Assert.Equal(Viewer, Header(search, "Access-Control-Allow-Origin"));
            Assert.Contains("Warning", Header(search, "Access-Control-Expose-Headers")!, StringComparison.Ordinal);
        }

        // A 401 carries the header too, so that the viewer can tell a missing sign-in from a network fault.
        using (var unauthenticated = await SendAsync(http, Get("dicomweb/studies", Viewer, null)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
            Assert.Equal(Viewer, Header(unauthenticated, "Access-Control-Allow-Origin"));
        }

        using (var preflight = await SendAsync(http, Preflight("dicomweb/studies", Stranger)))
        {
            Assert.Null(Header(preflight, "Access-Control-Allow-Origin"));
        }

        using (var search = await SendAsync(http, Get("dicomweb/studies", Stranger, viewerToken)))
        {
            Assert.Equal(HttpStatusCode.OK, search.StatusCode);
            Assert.Null(Header(search, "Access-Control-Allow-Origin"));
        }

        // Only DICOMweb is shared with other origins.
        using (var stats = await SendAsync(http, Get("api/stats", Viewer, await secured.Provider.TokenAsync(SecuredGateway.Admin))))
        {
            Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
            Assert.Null(Header(stats, "Access-Control-Allow-Origin"));
        }
    }

    [Fact]
    public async Task Without_configured_origins_no_cors_header_is_sent()
    {
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        using var search = await SendAsync(gateway.Http, Get("dicomweb/studies", Viewer, null));
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        Assert.DoesNotContain(search.Headers, header => header.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        using var preflight = await SendAsync(gateway.Http, Preflight("dicomweb/studies", Viewer));
        Assert.DoesNotContain(preflight.Headers, header => header.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    private static HttpRequestMessage Preflight(string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, new Uri(path, UriKind.Relative));
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,accept");
        return request;
    }

    private static HttpRequestMessage Get(string path, string origin, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add("Origin", origin);
        request.Headers.Authorization = token is null ? null : SecuredGateway.Bearer(token);
        return request;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        using (request)
        {
            return await http.SendAsync(request, TestContext.Current.CancellationToken);
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
