using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Server.Tests.Interop;

namespace Gateway.Server.Tests.Security;

/// <summary>
/// A real OpenID Connect provider (npm oidc-provider 9.13, run by node from oidc-provider.mjs) on 127.0.0.1 with a
/// free port, issuing client_credentials access tokens (RS256 JWTs) for a resource indicator with the client's
/// roles in a "roles" claim; stopped by its PID when disposed.
/// </summary>
public sealed class OidcProvider : IAsyncDisposable
{
    public const string Audience = "https://gateway.test";

    public const string OtherAudience = "https://other-service.test";

    public const string RoleClaim = "roles";

    private static readonly JsonSerializerOptions ConfigOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly PeerProcess _node;
    private readonly string _folder;
    private readonly HttpClient _http = new();

    private OidcProvider(PeerProcess node, string folder, int port)
    {
        _node = node;
        _folder = folder;
        Issuer = $"http://127.0.0.1:{port}";
    }

    public string Issuer { get; }

    public sealed record Client(string Id, IReadOnlyList<string> Roles, int TtlSeconds = 600)
    {
        public string Secret => "secret-of-" + Id + "-0123456789abcdef";
    }

    /// <summary>A client of the authorization code flow (PKCE) and the accounts that sign in to it, with their roles.</summary>
    public sealed record WebClient(string Id, string Secret, string RedirectUri, IReadOnlyDictionary<string, string[]> Accounts);

    public static async Task<OidcProvider> StartAsync(IReadOnlyList<Client> clients, WebClient? web = null)
    {
        var modules = PeerInstallation.RequireOidcProviderModules();
        var folder = Directory.CreateTempSubdirectory("oidc-").FullName;
        var port = PeerProcess.FreeLoopbackPort();
        var config = new
        {
            Modules = modules,
            Port = port,
            Audiences = new[] { Audience, OtherAudience },
            RoleClaim,
            Clients = clients.Select(client => new { client.Id, client.Secret, client.Roles, client.TtlSeconds }),
            WebClient = web is null ? null : new { web.Id, web.Secret, web.RedirectUri },
            Accounts = web?.Accounts,
        };
        var configFile = Path.Combine(folder, "config.json");
        await File.WriteAllTextAsync(configFile, JsonSerializer.Serialize(config, ConfigOptions), TestContext.Current.CancellationToken);
        var node = PeerProcess.Start("/usr/bin/node", [Path.Combine(TestData.RepositoryRoot, "tests", "Gateway.Server.Tests", "Security", "oidc-provider.mjs"), configFile], "nodejs");
        await node.WaitForPortAsync(port);
        return new OidcProvider(node, folder, port);
    }

    /// <summary>A client_credentials access token of <paramref name="client"/> for <paramref name="audience"/> (the resource indicator).</summary>
    public async Task<string> TokenAsync(Client client, string audience = Audience)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client.Id,
            ["client_secret"] = client.Secret,
            ["resource"] = audience,
            ["scope"] = "dicomweb",
        });
        using var response = await _http.PostAsync(new Uri(Issuer + "/token"), form, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"oidc-provider refused a token for {client.Id}: {body}\n{_node.Output}");
        return JsonSerializer.Deserialize<TokenResponse>(body)!.AccessToken;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _node.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string AccessToken);
}
