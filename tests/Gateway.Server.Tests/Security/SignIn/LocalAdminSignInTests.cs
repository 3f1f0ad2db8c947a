using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Gateway.Server.Security;
using Gateway.Server.Tests.Crash;
using Gateway.Server.Tests.Operations;
using Microsoft.Extensions.Logging;

namespace Gateway.Server.Tests.Security.SignIn;

/// <summary>The local admin account of a gateway without an OpenID Connect provider: made on first start, signed in with from a browser.</summary>
public sealed partial class LocalAdminSignInTests(PostgresCluster cluster)
{
    private static readonly Dictionary<string, string?> LocalAdmin = new() { ["Security:LocalAdmin:Enabled"] = "true" };

    [Fact]
    public async Task The_first_start_creates_the_admin_with_a_password_logged_once_and_stored_as_pbkdf2()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var logs = new LogCapture();
        var gateway = await GatewayInstance.StartAsync(cluster, LocalAdmin, builder => builder.Logging.AddProvider(logs));
        try
        {
            var password = PasswordOf(Assert.Single(logs.Entries, entry => entry.EventId == 7820).Message);
            Assert.Equal(1, logs.Count(7827));

            await using (var database = gateway.OpenDatabase())
            await using (var command = database.CreateCommand("select algorithm, iterations, salt, hash from local_accounts where name = 'admin'"))
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                Assert.True(await reader.ReadAsync(cancellationToken));
                Assert.Equal("PBKDF2-SHA256", reader.GetString(0));
                var iterations = reader.GetInt32(1);
                Assert.True(iterations >= 600_000, $"{iterations} iterations");
                var salt = reader.GetFieldValue<byte[]>(2);
                var hash = reader.GetFieldValue<byte[]>(3);
                Assert.Equal(16, salt.Length);
                Assert.DoesNotContain(password, Encoding.UTF8.GetString(hash), StringComparison.Ordinal);
                Assert.Equal(Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, hash.Length), hash);
            }

            // A second start leaves the account and says nothing of a password.
            gateway = await gateway.RestartAsync();
            Assert.Equal(1, logs.Count(7820));
            using var browser = new Browser(gateway.BaseAddress);
            Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(browser, password)).Status);
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_browser_signs_in_reaches_admin_routes_with_its_cookie_signs_out_and_is_stopped_after_five_wrong_passwords()
    {
        var logs = new LogCapture();
        await using var gateway = await GatewayInstance.StartAsync(cluster, LocalAdmin, builder => builder.Logging.AddProvider(logs));
        var password = PasswordOf(Assert.Single(logs.Entries, entry => entry.EventId == 7820).Message);
        var site = gateway.BaseAddress;
        using var browser = new Browser(site);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("api/stats")).Status);

        // A form without its antiforgery token is refused before the password is looked at.
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostFormAsync("login", new Dictionary<string, string> { ["username"] = "admin", ["password"] = password })).Status);

        var wrong = await SignInAsync(browser, "not-the-password");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Contains("Wrong user name or password", wrong.Body, StringComparison.Ordinal);
        Assert.False(browser.HasCookie(site, BrowserSignIn.CookieName));
        var failed = Assert.Single(logs.Entries, entry => entry.EventId == 7823).Message;
        Assert.DoesNotContain("not-the-password", failed, StringComparison.Ordinal);

        var signedIn = await SignInAsync(browser, password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.Status);
        var setCookie = string.Join('\n', signedIn.Response.Headers.GetValues("Set-Cookie")).ToLowerInvariant();
        Assert.Contains(BrowserSignIn.CookieName + "=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", setCookie, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("api/stats")).Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("api/keys")).Status);

        // The sign-in is audited once, as the user who signed in; the wrong password as a failed login.
        var audit = await Audit.AuditRows.WaitAsync(gateway, rows => rows.Any(row => row.Action == "login" && row.Outcome == 0));
        var success = Assert.Single(audit, row => row.Action == "login" && row.Outcome == 0);
        Assert.Equal(("user", "admin"), (success.ActorKind, success.ActorId));
        Assert.Contains(audit, row => row.Action == "login" && row.Outcome == 4 && row.Detail!.StartsWith("POST /login", StringComparison.Ordinal));

        // Signed in, /login offers sign-out; afterwards the cookie is gone and admin routes answer 401 again.
        var page = await browser.GetAsync("login");
        Assert.Contains("Signed in as <strong>admin</strong>", page.Body, StringComparison.Ordinal);
        var token = Browser.AntiforgeryField(page.Body);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync("logout", new Dictionary<string, string> { [token.Key] = token.Value })).Status);
        Assert.False(browser.HasCookie(site, BrowserSignIn.CookieName));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("api/stats")).Status);
        var logout = Assert.Single(await Audit.AuditRows.WaitAsync(gateway, rows => rows.Any(row => row.Action == "logout")), row => row.Action == "logout");
        Assert.Equal(("user", "admin", 0), (logout.ActorKind, logout.ActorId, logout.Outcome));

        // Five wrong passwords from one address within a minute, then even the right one is refused for now.
        for (var attempt = 1; attempt <= LoginThrottle.MaxFailures; attempt++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(browser, "guess-" + attempt)).Status);
        }

        var refused = await SignInAsync(browser, password);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.True(refused.Response.Headers.RetryAfter is not null, "no Retry-After");
        Assert.False(browser.HasCookie(site, BrowserSignIn.CookieName));
        Assert.Equal(1, logs.Count(7824));
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_failed_sign_ins_are_counted_per_forwarded_client_not_per_proxy()
    {
        var logs = new LogCapture();
        await using var gateway = await GatewayInstance.StartAsync(
            cluster, new Dictionary<string, string?>(LocalAdmin) { ["TrustedProxies:0"] = "127.0.0.1" }, builder => builder.Logging.AddProvider(logs));
        var password = PasswordOf(Assert.Single(logs.Entries, entry => entry.EventId == 7820).Message);

        // Both browsers reach the gateway through the proxy on 127.0.0.1, which names each client in X-Forwarded-For.
        using var guesser = new Browser(gateway.BaseAddress);
        guesser.Headers.Add("X-Forwarded-For", "203.0.113.5");
        using var colleague = new Browser(gateway.BaseAddress);
        colleague.Headers.Add("X-Forwarded-For", "203.0.113.6");
        for (var attempt = 1; attempt <= LoginThrottle.MaxFailures; attempt++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(guesser, "guess-" + attempt)).Status);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInAsync(guesser, password)).Status);
        Assert.Contains(logs.Entries, entry => entry.EventId == 7824 && entry.Message.Contains("203.0.113.5", StringComparison.Ordinal));

        // The other client behind the same proxy is not locked out by the guesser's failures.
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(colleague, password)).Status);
        var signIn = Assert.Single(await Audit.AuditRows.WaitAsync(gateway, rows => rows.Any(row => row.Action == "login" && row.Outcome == 0)), row => row.Action == "login" && row.Outcome == 0);
        Assert.Equal(("admin", "203.0.113.6"), (signIn.ActorId, signIn.Address));
    }

    [Fact]
    public async Task Gateway_admin_reset_password_sets_a_new_password_that_signs_in()
    {
        var logs = new LogCapture();
        await using var gateway = await GatewayInstance.StartAsync(cluster, LocalAdmin, builder => builder.Logging.AddProvider(logs));
        var old = PasswordOf(Assert.Single(logs.Entries, entry => entry.EventId == 7820).Message);
        var data = Directory.CreateTempSubdirectory("gateway-reset-").FullName;
        try
        {
            var (exitCode, output) = await PeerProcess.RunAsync(
                "dotnet", [GatewayProcess.GatewayDll(), "admin", "reset-password", "--data", data, "--postgres", gateway.ConnectionString], "dotnet-sdk-10.0", timeout: TimeSpan.FromMinutes(2));
            Assert.True(exitCode == 0, output);
            var password = NewPassword().Match(output) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException(output);
            using var browser = new Browser(gateway.BaseAddress);
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(browser, old)).Status);
            Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(browser, password)).Status);
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("api/stats")).Status);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task With_an_initial_password_file_the_admin_gets_that_password_unlogged_and_a_public_address_is_served()
    {
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "correct horse battery staple\n", TestContext.Current.CancellationToken);
        try
        {
            var logs = new LogCapture();
            await using var gateway = await GatewayInstance.StartAsync(
                cluster,
                new Dictionary<string, string?> { ["Http"] = "0.0.0.0:0", ["Security:LocalAdmin:Enabled"] = "true", ["Security:LocalAdmin:InitialPasswordFile"] = file },
                builder => builder.Logging.AddProvider(logs));
            Assert.Equal(0, logs.Count(7820));
            Assert.Equal(1, logs.Count(7821));
            Assert.DoesNotContain(logs.Entries, entry => entry.Message.Contains("correct horse", StringComparison.Ordinal));
            using var browser = new Browser(new Uri($"http://127.0.0.1:{gateway.BaseAddress.Port}/"));
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("dicomweb/studies")).Status);
            Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(browser, "correct horse battery staple")).Status);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_local_admin_is_refused_beside_an_authority() =>
        Assert.Contains(
            "LocalAdmin",
            new SecurityOptions { Authority = "https://idp.example", Audience = "https://gateway.example", LocalAdmin = { Enabled = true } }.Problem(),
            StringComparison.Ordinal);

    /// <summary>GET /login, then POST its form with this password.</summary>
    internal static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SignInAsync(Browser browser, string password)
    {
        var form = await browser.GetAsync("login");
        Assert.Equal(HttpStatusCode.OK, form.Status);
        var token = Browser.AntiforgeryField(form.Body);
        return await browser.PostFormAsync("login", new Dictionary<string, string> { [token.Key] = token.Value, ["username"] = "admin", ["password"] = password });
    }

    private static string PasswordOf(string message) => LoggedPassword().Match(message) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException(message);

    [GeneratedRegex(@"with password (\S+)")]
    private static partial Regex LoggedPassword();

    [GeneratedRegex(@"New password of admin: (\S+)")]
    private static partial Regex NewPassword();
}
