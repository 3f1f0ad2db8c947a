using System.Net;
using System.Text.RegularExpressions;
using Gateway.Server.Security;
using Gateway.Server.Tests.Audit;

namespace Gateway.Server.Tests.Security.SignIn;

/// <summary>
/// Browser sign-in through a real oidc-provider: the authorization code flow with PKCE, its development login and
/// consent pages posted as a browser would, the session cookie reaching admin routes for an admin and not for a viewer;
/// each sign-in audited once as the user who signed in, a cancelled or forged one (wrong state, unknown code) as a failed login.
/// </summary>
public sealed partial class OidcSignInTests(PostgresCluster cluster)
{
    [Fact]
    public async Task An_admin_signs_in_at_the_provider_and_its_cookie_reaches_admin_routes_while_a_viewer_gets_403()
    {
        var port = PeerProcess.FreeLoopbackPort();
        var web = WebClient(port);
        await using var provider = await OidcProvider.StartAsync([SecuredGateway.Admin], web);
        await using var gateway = await StartGatewayAsync(provider, web, port);

        using var admin = new Browser(gateway.BaseAddress);
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.GetAsync("api/stats")).Status);
        // The provider refuses an authorization request without PKCE; the gateway pushes its request (PAR), so the
        // browser's URL names only the pushed request, not the code challenge.
        var authorize = await SignInAsync(admin, gateway.BaseAddress, "admin-user");
        Assert.Contains("request_uri=urn", authorize, StringComparison.Ordinal);
        var withoutPkce = await admin.GetAsync($"{provider.Issuer}/auth?client_id={web.Id}&response_type=code&scope=openid&redirect_uri={Uri.EscapeDataString(web.RedirectUri)}");
        Assert.Contains("PKCE", WebUtility.UrlDecode(withoutPkce.Response.Headers.Location?.ToString() ?? withoutPkce.Body), StringComparison.Ordinal);
        Assert.True(admin.HasCookie(gateway.BaseAddress, BrowserSignIn.CookieName), "no session cookie after the callback");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("api/stats")).Status);
        Assert.Contains("Signed in as <strong>admin-user</strong>", (await admin.GetAsync("login")).Body, StringComparison.Ordinal);

        using var viewer = new Browser(gateway.BaseAddress);
        await SignInAsync(viewer, gateway.BaseAddress, "viewer-user");
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("api/stats")).Status);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("dicomweb/studies")).Status);

        // API clients keep their bearer tokens beside browser sessions.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/stats", UriKind.Relative));
        request.Headers.Authorization = SecuredGateway.Bearer(await provider.TokenAsync(SecuredGateway.Admin));
        using var bearer = await gateway.Http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);

        // A user who cancels at the provider comes back to the callback with access_denied: 401, no session.
        using var cancelled = new Browser(gateway.BaseAddress);
        var refused = await CancelAsync(cancelled, gateway.BaseAddress);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Contains("access_denied", refused.Body, StringComparison.Ordinal);
        Assert.False(cancelled.HasCookie(gateway.BaseAddress, BrowserSignIn.CookieName), "a session cookie after a cancelled sign-in");

        // Each sign-in leaves exactly one login row naming who signed in; the cancelled one exactly one failed login.
        var rows = await AuditRows.WaitAsync(gateway, rows => rows.Count(row => row.Action == "login") >= 3);
        var signIns = rows.Where(row => row.Action == "login" && row.Outcome == 0).ToList();
        Assert.True(signIns.Count == 2, HttpAuditTests.Describe(rows));
        Assert.Equal([("user", "admin-user"), ("user", "viewer-user")], signIns.Select(row => (row.ActorKind, row.ActorId!)).ToArray());
        Assert.All(signIns, row => Assert.Equal(("127.0.0.1", "signed in at the Authority"), (row.Address, row.Detail)));
        var failed = Assert.Single(rows, row => row.Action == "login" && row.Outcome == 4 && row.Detail!.Contains("access_denied", StringComparison.Ordinal));
        Assert.Equal(("anonymous", "127.0.0.1"), (failed.ActorKind, failed.Address));
        Assert.StartsWith("GET: sign-in at the Authority failed", failed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_callback_with_a_wrong_state_or_an_unknown_code_is_answered_401_with_the_reason_leaving_one_failed_login_each_and_no_session()
    {
        var port = PeerProcess.FreeLoopbackPort();
        var web = WebClient(port);
        await using var provider = await OidcProvider.StartAsync([SecuredGateway.Admin], web);
        await using var gateway = await StartGatewayAsync(provider, web, port);

        // A callback the gateway never asked for: its state is not one the gateway protected.
        using var stranger = new Browser(gateway.BaseAddress);
        var wrongState = await stranger.GetAsync("signin-oidc?code=forged-code&state=forged-state");
        Assert.True(wrongState.Status == HttpStatusCode.Unauthorized, $"{(int)wrongState.Status} {wrongState.Body}");
        Assert.Contains("message.State", wrongState.Body, StringComparison.Ordinal);
        Assert.False(stranger.HasCookie(gateway.BaseAddress, BrowserSignIn.CookieName), "a session cookie after a forged state");

        // A real sign-in whose callback comes back with a code the provider never issued (state and correlation cookie genuine).
        using var forger = new Browser(gateway.BaseAddress);
        var (_, callback) = await AtTheCallbackAsync(forger, gateway.BaseAddress, "admin-user");
        var code = CodeParameter().Match(callback.Query);
        Assert.True(code.Success, $"no code in the callback {callback}");
        var forged = new Uri(callback, callback.PathAndQuery.Replace(code.Value, "code=forged-code", StringComparison.Ordinal));
        var unknownCode = await forger.GetAsync(forged.AbsoluteUri);
        Assert.True(unknownCode.Status == HttpStatusCode.Unauthorized, $"{(int)unknownCode.Status} {unknownCode.Body}");
        Assert.Contains("invalid_grant", unknownCode.Body, StringComparison.Ordinal);
        Assert.False(forger.HasCookie(gateway.BaseAddress, BrowserSignIn.CookieName), "a session cookie after a forged code");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forger.GetAsync("api/stats")).Status);

        // Exactly one failed login each, anonymous, with the handler's reason; nobody signed in.
        var rows = await AuditRows.WaitAsync(gateway, rows => rows.Count(row => row.Action == "login") >= 2);
        var logins = rows.Where(row => row.Action == "login" && row.Detail!.Contains("sign-in at the Authority failed", StringComparison.Ordinal)).ToList();
        Assert.True(logins.Count == 2, HttpAuditTests.Describe(rows));
        Assert.Single(logins, row => row.Detail!.Contains("message.State", StringComparison.Ordinal));
        Assert.Single(logins, row => row.Detail!.Contains("invalid_grant", StringComparison.Ordinal));
        Assert.All(logins, row => Assert.Equal(("anonymous", 4, "127.0.0.1"), (row.ActorKind, row.Outcome, row.Address)));
        Assert.DoesNotContain(rows, row => row.Action == "login" && row.Outcome == 0);
    }

    private static OidcProvider.WebClient WebClient(int port) => new(
        "gateway-web",
        "secret-of-gateway-web-0123456789abcdef",
        $"http://127.0.0.1:{port}/signin-oidc",
        new Dictionary<string, string[]> { ["admin-user"] = [GatewayRoles.Admin], ["viewer-user"] = [GatewayRoles.Viewer] });

    /// <summary>A gateway on <paramref name="port"/> validating the provider's tokens, with browser sign-in at it as <paramref name="web"/>.</summary>
    private Task<GatewayInstance> StartGatewayAsync(OidcProvider provider, OidcProvider.WebClient web, int port) =>
        GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
        {
            ["Http"] = $"127.0.0.1:{port}",
            ["Security:Authority"] = provider.Issuer,
            ["Security:Audience"] = OidcProvider.Audience,
            ["Security:RequireHttpsMetadata"] = "false",
            ["Security:Oidc:ClientId"] = web.Id,
            ["Security:Oidc:ClientSecret"] = web.Secret,
        });

    /// <summary>GET /login, follow redirects to the provider's login page, press its Cancel link and follow redirects back; returns the gateway's last answer.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> CancelAsync(Browser browser, Uri gateway)
    {
        var url = new Uri(gateway, "login");
        var (status, body, response) = await browser.GetAsync(url.AbsoluteUri);
        var cancelled = false;
        for (var step = 0; step < 20; step++)
        {
            if (status is HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.Found)
            {
                url = new Uri(url, response.Headers.Location!);
                (status, body, response) = await browser.GetAsync(url.AbsoluteUri);
                continue;
            }

            if (cancelled || url.Port == gateway.Port)
            {
                return (status, body);
            }

            var cancel = CancelLink().Match(body);
            Assert.True(cancel.Success, $"no Cancel link at {url}:\n{body}");
            url = new Uri(url, WebUtility.HtmlDecode(cancel.Groups[1].Value));
            cancelled = true;
            (status, body, response) = await browser.GetAsync(url.AbsoluteUri);
        }

        throw new InvalidOperationException($"the cancelled sign-in did not come back; last at {url}: {(int)status}\n{body}");
    }

    /// <summary>
    /// GET /login and follow redirects as a browser would, posting the provider's login form (as <paramref name="account"/>)
    /// and consent form, until the gateway's callback has redirected to /login/continue; returns the authorization request URL.
    /// </summary>
    private static async Task<string> SignInAsync(Browser browser, Uri gateway, string account)
    {
        var (authorize, callback) = await AtTheCallbackAsync(browser, gateway, account);
        var (status, body, response) = await browser.GetAsync(callback.AbsoluteUri);
        var next = response.Headers.Location is { } location ? new Uri(callback, location) : null;
        Assert.True(status == HttpStatusCode.Redirect && next?.AbsolutePath == "/login/continue", $"the callback answered {(int)status} to {next}:\n{body}");
        return authorize;
    }

    /// <summary>
    /// As <see cref="SignInAsync"/>, up to the provider's redirect to the gateway's callback, which is not followed:
    /// returns the authorization request URL and the callback URL (with the code and state the provider gave).
    /// </summary>
    private static async Task<(string Authorize, Uri Callback)> AtTheCallbackAsync(Browser browser, Uri gateway, string account)
    {
        var url = new Uri(gateway, "login");
        string? authorize = null;
        var (status, body, response) = await browser.GetAsync(url.AbsoluteUri);
        for (var step = 0; step < 20; step++)
        {
            if (status is HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.Found)
            {
                url = new Uri(url, response.Headers.Location!);
                if (url.AbsolutePath == "/signin-oidc" && url.Port == gateway.Port)
                {
                    Assert.NotNull(authorize);
                    return (authorize, url);
                }

                authorize ??= url.AbsolutePath == "/auth" ? url.AbsoluteUri : null;
                (status, body, response) = await browser.GetAsync(url.AbsoluteUri);
                continue;
            }

            Assert.True(status == HttpStatusCode.OK, $"{(int)status} at {url}:\n{body}");
            var form = Form().Match(body);
            Assert.True(form.Success, $"no form at {url}:\n{body}");
            var fields = new Dictionary<string, string>();
            foreach (Match input in Input().Matches(form.Groups[2].Value))
            {
                fields[input.Groups[1].Value] = input.Groups[1].Value switch
                {
                    "login" => account,
                    "password" => "any password",
                    _ => WebUtility.HtmlDecode(input.Groups[2].Value),
                };
            }

            url = new Uri(url, WebUtility.HtmlDecode(form.Groups[1].Value));
            (status, body, response) = await browser.PostFormAsync(url.AbsoluteUri, fields);
        }

        throw new InvalidOperationException($"sign-in did not reach the callback; last at {url}: {(int)status}\n{body}");
    }

    [GeneratedRegex("<form[^>]*action=\"([^\"]*)\"[^>]*>(.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex Form();

    [GeneratedRegex("<input[^>]*name=\"([^\"]+)\"(?:[^>]*value=\"([^\"]*)\")?")]
    private static partial Regex Input();

    [GeneratedRegex("<a href=\"([^\"]*)\">\\[ Cancel \\]</a>")]
    private static partial Regex CancelLink();

    [GeneratedRegex("(?<=[?&])code=[^&]+")]
    private static partial Regex CodeParameter();
}
