using Gateway.Server.Security;
using Gateway.Server.Tests.Security;

namespace Gateway.Server.Tests.AdminConsole;

/// <summary>
/// The console's sign-in through a real OpenID Connect provider (npm oidc-provider, authorization code flow with PKCE)
/// in headless Chromium, the provider on another site than the gateway (127.0.0.1 and localhost: ports do not make a
/// site, hosts do): with the session cookie SameSite=Strict, the browser still ends on the page it asked for, because
/// the callback lands on /login/continue, which moves on by a navigation of its own; the request that follows the
/// provider's redirect goes without the cookie (the reason for that page), the next one with it.
/// </summary>
public sealed class OidcConsoleSignInTests(PostgresCluster cluster)
{
    private sealed record Plan(string Base, string Account, string Cookie);

    [Fact]
    public async Task An_admin_signing_in_at_the_provider_lands_on_the_console_page_asked_for_with_a_strict_session_cookie()
    {
        var port = PeerProcess.FreeLoopbackPort();
        var web = new OidcProvider.WebClient(
            "gateway-web",
            "secret-of-gateway-web-0123456789abcdef",
            $"http://localhost:{port}/signin-oidc",
            new Dictionary<string, string[]> { ["admin-user"] = [GatewayRoles.Admin] });
        await using var provider = await OidcProvider.StartAsync([SecuredGateway.Admin], web);
        await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
        {
            ["Http"] = $"127.0.0.1:{port}",
            ["Security:Authority"] = provider.Issuer,
            ["Security:Audience"] = OidcProvider.Audience,
            ["Security:RequireHttpsMetadata"] = "false",
            ["Security:Oidc:ClientId"] = web.Id,
            ["Security:Oidc:ClientSecret"] = web.Secret,
        });

        var site = new Uri($"http://localhost:{port}/");
        var seen = await ConsoleBrowser.RunAsync(new Plan(site.AbsoluteUri, "admin-user", BrowserSignIn.CookieName), "oidc-sign-in.mjs");

        Assert.Equal(new Uri(site, "console/quality").AbsoluteUri, seen["finalUrl"]!.GetValue<string>());
        Assert.Equal("Quality - MedVAE Gateway", seen["title"]!.GetValue<string>());
        Assert.Equal("Strict", seen["cookie"]!["sameSite"]!.GetValue<string>());
        Assert.True(seen["cookie"]!["httpOnly"]!.GetValue<bool>());
        Assert.Empty(seen["problems"]!.AsArray());
        var requests = seen["requests"]!.AsArray().Select(request => (Path: request!["path"]!.GetValue<string>(), Session: request["session"]!.GetValue<bool>())).ToList();
        var landing = requests.FindIndex(request => request.Path == "/login/continue");
        Assert.True(landing > 0, "the callback did not land on /login/continue: " + string.Join(", ", requests));
        Assert.Equal("/signin-oidc", requests[landing - 1].Path);
        Assert.False(requests[landing].Session, "the request after the provider's redirect carried the Strict cookie: /login/continue would not be needed");
        Assert.Equal(("/console/quality", true), requests[landing + 1]);
    }
}
