using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Core.Audit;
using Gateway.Core.Jobs;
using Gateway.Server.Audit.Http;
using Gateway.Server.Security;
using Gateway.Server.Tests.DicomWeb.Retrieve;
using Gateway.Server.Tests.DicomWeb.Stow;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.Security;

/// <summary>
/// Every HTTP route of the gateway (enumerated from its endpoint data source, so a new route is checked without
/// anyone listing it) names a role policy, and with a real OpenID Connect provider answers 401 without a valid
/// token, 403 for the wrong role and neither for its role; on a stored, compressed instance every GET route answers
/// 200 for its role.
/// </summary>
public sealed partial class RouteAuthorizationTests(PostgresCluster cluster)
{
    private const string CtFile = "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm";

    private static readonly string[] OpenRoutes = ["/", "/health/live", "/health/ready", .. LoginEndpoints.Routes];

    [Fact]
    public async Task Every_route_names_a_role_policy_except_the_landing_page_the_health_checks_and_sign_in()
    {
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        var routes = Routes(gateway.Services);
        Assert.True(routes.Count >= 34, $"only {routes.Count} routes found: {string.Join(", ", routes.Select(route => route.Name))}");
        var problems = new List<string>();
        foreach (var route in routes)
        {
            if (route.Open != OpenRoutes.Contains(route.Pattern))
            {
                problems.Add($"{route.Name}: {(route.Open ? "open to anyone but not a health check" : "not open")}");
            }

            if (!route.Open && (route.Policies.Count != 1 || !GatewayPolicies.RoleOf.ContainsKey(route.Policies[0])))
            {
                problems.Add($"{route.Name}: needs exactly one of the gateway's role policies, has [{string.Join(", ", route.Policies)}]");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public async Task Every_route_that_changes_something_names_the_action_its_audit_row_records()
    {
        // Admin changes (API keys, deletes, and any later policy, model or promote route) and sign-ins must each leave
        // an audit row: a POST, PUT, PATCH or DELETE route without an audited action fails here.
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        var changing = Routes(gateway.Services).Where(route => route.Method is not ("GET" or "HEAD" or "OPTIONS")).ToList();
        Assert.True(changing.Count >= 6, $"only {changing.Count} routes that change something: {string.Join(", ", changing.Select(route => route.Name))}");
        var unaudited = changing.Where(route => route.AuditedAction is null || !AuditAction.All.Contains(route.AuditedAction)).Select(route => route.Name).ToList();
        Assert.True(unaudited.Count == 0, "routes that change something but name no audited action: " + string.Join(", ", unaudited));
    }

    [Fact]
    public async Task Every_route_answers_401_without_a_valid_token_403_for_a_wrong_role_and_neither_for_its_role()
    {
        await using var secured = await SecuredGateway.StartAsync(cluster);
        var provider = secured.Provider;
        var issuedBrief = DateTime.UtcNow;
        var expired = await provider.TokenAsync(SecuredGateway.Brief);
        var otherAudience = await provider.TokenAsync(SecuredGateway.Everything, OidcProvider.OtherAudience);
        var tokens = new Dictionary<string, string>();
        foreach (var role in GatewayRoles.All)
        {
            tokens[role] = await provider.TokenAsync(SecuredGateway.ClientOf(role));
        }

        // The brief client's token lives one second and the gateway allows no clock skew here.
        await Task.Delay(issuedBrief.AddSeconds(2.5) - DateTime.UtcNow, TestContext.Current.CancellationToken);

        var problems = new List<string>();
        var routes = Routes(secured.Gateway.Services);
        foreach (var route in routes)
        {
            var path = route.SamplePath;
            async Task Expect(string what, Func<HttpStatusCode, bool> expected, System.Net.Http.Headers.AuthenticationHeaderValue? authorization, string? apiKey = null)
            {
                var status = await secured.SendAsync(route.HttpMethod, path, authorization, apiKey);
                if (!expected(status))
                {
                    problems.Add($"{route.Method} {path} {what}: {(int)status}");
                }
            }

            if (route.Open)
            {
                await Expect("without a token", status => status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), null);
                continue;
            }

            await Expect("without a token", status => status == HttpStatusCode.Unauthorized, null);
            if (route.Policies.Count != 1 || !GatewayPolicies.RoleOf.TryGetValue(route.Policies[0], out var role))
            {
                problems.Add($"{route.Name} names no role policy");
                continue;
            }

            await Expect("with an expired token", status => status == HttpStatusCode.Unauthorized, SecuredGateway.Bearer(expired));
            await Expect("with a token for another audience", status => status == HttpStatusCode.Unauthorized, SecuredGateway.Bearer(otherAudience));
            await Expect("with an unknown API key", status => status == HttpStatusCode.Unauthorized, null, "mvg_" + new string('A', 43));
            foreach (var wrong in GatewayRoles.All.Where(other => other != role))
            {
                await Expect($"with a {wrong} token", status => status == HttpStatusCode.Forbidden, SecuredGateway.Bearer(tokens[wrong]));
                await Expect($"with a {wrong} token whose roles were changed to {role}", status => status == HttpStatusCode.Unauthorized, SecuredGateway.Bearer(WithRoles(tokens[wrong], role)));
            }

            await Expect($"with a {role} token", status => status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), SecuredGateway.Bearer(tokens[role]));
        }

        Assert.True(problems.Count == 0, $"{problems.Count} wrong answers over {routes.Count} routes:\n{string.Join('\n', problems)}");
    }

    /// <summary>
    /// "Right role -> 200" on real data: a real CT stored by STOW-RS and compressed by the real model (original kept,
    /// latent beside it), then every GET route, its parameters filled with that instance's UIDs, called with its
    /// role's token (open routes without one) must answer 200, except the routes listed here with the reason.
    /// </summary>
    [Fact]
    public async Task With_its_role_every_GET_route_answers_200_on_a_stored_and_compressed_instance()
    {
        // Routes that cannot answer 200 in this gateway, and why (each must still answer what is written here).
        var cannot = new Dictionary<string, (HttpStatusCode Status, string Why)>
        {
            ["/login"] = (HttpStatusCode.NotFound, "browser sign-in is off here (no Security:Oidc:ClientId, and the local admin is refused beside an Authority); "
                + "with it on, /login answers the local form (200, LocalAdminSignInTests) or a redirect to the provider (302, OidcSignInTests)"),
        };
        var cancellationToken = TestContext.Current.CancellationToken;
        var instance = TestInstance.Of(TestData.RequireSharedData(CtFile));
        await using var secured = await SecuredGateway.StartAsync(cluster, new Dictionary<string, string?>
        {
            ["Compression:Enabled"] = "true",
            ["Compression:RetentionDays"] = "30",
            ["Compression:Rules:0:Modalities:0"] = "CT",
            ["Compression:Rules:0:Action"] = "Latent",
            ["JobWorkers"] = "0",
        });
        var tokens = new Dictionary<string, string>();
        foreach (var role in GatewayRoles.All)
        {
            tokens[role] = await secured.Provider.TokenAsync(SecuredGateway.ClientOf(role));
        }

        using (var stow = new HttpRequestMessage(HttpMethod.Post, new Uri("dicomweb/studies", UriKind.Relative)) { Content = new ByteArrayContent(MultipartBody.OfFiles([instance.Path])) })
        {
            stow.Content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={MultipartBody.Boundary}");
            stow.Headers.Authorization = SecuredGateway.Bearer(tokens[GatewayRoles.Uploader]);
            using var stored = await secured.Gateway.Http.SendAsync(stow, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }

        var runner = secured.Gateway.Services.GetRequiredService<JobRunner>();
        for (var ran = 0; await runner.RunNextAsync("test/0", cancellationToken); ran++)
        {
            Assert.True(ran < 10, "the queue does not drain");
        }

        var objects = (await secured.Gateway.RowsAsync(
            $"select i.state, o.kind from instances i join objects o on o.instance_fk = i.id where i.sop_instance_uid = '{instance.Sop}' order by o.kind")).Select(row => string.Join(' ', row)).ToList();
        Assert.True(objects.Contains("compressed original") && objects.Any(row => row.Contains("latent", StringComparison.Ordinal)), string.Join("; ", objects));

        var values = new Dictionary<string, string>
        {
            ["study"] = instance.Study,
            ["series"] = instance.Series,
            ["instance"] = instance.Sop,
            ["frames"] = "1",
            ["image"] = "original",
            ["**path"] = "7FE00010",
        };
        var wadoUri = $"?requestType=WADO&studyUID={instance.Study}&seriesUID={instance.Series}&objectUID={instance.Sop}";
        var problems = new List<string>();
        var routes = Routes(secured.Gateway.Services).Where(route => route.Method == "GET").ToList();
        Assert.True(routes.Count >= 40, $"only {routes.Count} GET routes: {string.Join(", ", routes.Select(route => route.Name))}");
        foreach (var route in routes)
        {
            var path = Parameter().Replace(route.Pattern, match => values.GetValueOrDefault(match.Value.Trim('{', '}').Split(':')[0], match.Value));
            if (path.Contains('{', StringComparison.Ordinal))
            {
                problems.Add($"{route.Name}: a parameter this test has no value for");
                continue;
            }

            path += route.Pattern.EndsWith("/wado", StringComparison.Ordinal) ? wadoUri : string.Empty;
            var authorization = route.Open ? null : SecuredGateway.Bearer(tokens[GatewayPolicies.RoleOf[route.Policies.Single()]]);
            var status = await secured.SendAsync(HttpMethod.Get, path, authorization);
            var expected = cannot.TryGetValue(route.Pattern, out var exception) ? exception.Status : HttpStatusCode.OK;
            if (status != expected)
            {
                problems.Add($"GET {path}: {(int)status}, expected {(int)expected}");
            }
        }

        Assert.True(problems.Count == 0, $"{problems.Count} of {routes.Count} GET routes:\n{string.Join('\n', problems)}");
        Assert.All(cannot.Keys, pattern => Assert.Contains(routes, route => route.Pattern == pattern));
    }

    /// <summary>The token with its payload's roles claim replaced and its signature left as it was (a tampered token).</summary>
    private static string WithRoles(string token, string role)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Base64UrlDecode(parts[1]))!.AsObject();
        payload[OidcProvider.RoleClaim] = new JsonArray(role);
        parts[1] = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.ToJsonString())).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return string.Join('.', parts);
    }

    private static byte[] Base64UrlDecode(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }

    internal static IReadOnlyList<RouteInfo> Routes(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => new RouteInfo(
                method,
                "/" + endpoint.RoutePattern.RawText!.TrimStart('/'),
                endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(data => data.Policy ?? "(default)").ToList(),
                endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null,
                endpoint.Metadata.GetMetadata<AuditedActionMetadata>()?.Action)))
            .ToList();

    internal sealed record RouteInfo(string Method, string Pattern, IReadOnlyList<string> Policies, bool Open, string? AuditedAction)
    {
        public string Name => $"{Method} {Pattern}";

        public HttpMethod HttpMethod => new(Method);

        /// <summary>The pattern with a value for each parameter: a number for {x:long}, a path for {**x}, a UID otherwise.</summary>
        public string SamplePath => Parameter().Replace(Pattern, match => match.Value switch
        {
            var value when value.Contains(":long", StringComparison.Ordinal) => "999999",
            var value when value.StartsWith("{**", StringComparison.Ordinal) => "x",
            _ => "1.2.840.99999.1",
        });
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
