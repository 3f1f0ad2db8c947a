using System.Net.Http.Headers;
using Gateway.Server.Security;

namespace Gateway.Server.Tests.Security;

/// <summary>
/// A gateway with authentication on, validating tokens of a real <see cref="OidcProvider"/> (discovery document and
/// keys fetched from it), with one client per role, one with every role, and one whose tokens live one second.
/// </summary>
public sealed class SecuredGateway : IAsyncDisposable
{
    public static readonly OidcProvider.Client Viewer = new("viewer-app", [GatewayRoles.Viewer]);

    public static readonly OidcProvider.Client Uploader = new("modality-router", [GatewayRoles.Uploader]);

    public static readonly OidcProvider.Client Admin = new("admin-console", [GatewayRoles.Admin]);

    public static readonly OidcProvider.Client Everything = new("everything", [GatewayRoles.Viewer, GatewayRoles.Uploader, GatewayRoles.Admin]);

    public static readonly OidcProvider.Client Brief = new("brief", [GatewayRoles.Viewer, GatewayRoles.Uploader, GatewayRoles.Admin], TtlSeconds: 1);

    private SecuredGateway(OidcProvider provider, GatewayInstance gateway)
    {
        Provider = provider;
        Gateway = gateway;
    }

    public OidcProvider Provider { get; }

    public GatewayInstance Gateway { get; }

    public static OidcProvider.Client ClientOf(string role) => role switch
    {
        GatewayRoles.Viewer => Viewer,
        GatewayRoles.Uploader => Uploader,
        _ => Admin,
    };

    /// <param name="settings">More Gateway settings (e.g. "Security:RoleClaim").</param>
    public static async Task<SecuredGateway> StartAsync(PostgresCluster cluster, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var provider = await OidcProvider.StartAsync([Viewer, Uploader, Admin, Everything, Brief]);
        try
        {
            var all = new Dictionary<string, string?>
            {
                ["Security:Authority"] = provider.Issuer,
                ["Security:Audience"] = OidcProvider.Audience,
                ["Security:RequireHttpsMetadata"] = "false",
                ["Security:ClockSkewSeconds"] = "0",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                all[key] = value;
            }

            var gateway = await GatewayInstance.StartAsync(cluster, all);
            return new SecuredGateway(provider, gateway);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends <paramref name="method"/> <paramref name="path"/> with the given Authorization (or X-Api-Key) header and returns the status.</summary>
    public async Task<System.Net.HttpStatusCode> SendAsync(HttpMethod method, string path, AuthenticationHeaderValue? authorization = null, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path.TrimStart('/'), UriKind.Relative));
        request.Headers.Authorization = authorization;
        if (apiKey is not null)
        {
            request.Headers.Add(ApiKeyAuthenticationHandler.HeaderName, apiKey);
        }

        using var response = await Gateway.Http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    public static AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Provider.DisposeAsync();
    }
}
