using System.Globalization;
using System.Security.Claims;
using Gateway.Core.Audit;
using Gateway.Core.Security;
using Gateway.Server.Audit.Http;
using Gateway.Server.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Security;

/// <summary>
/// Browser sign-in: GET /login shows the local admin's form (or, with the Authority's sign-in configured, goes to the
/// provider; signed in, it offers sign-out), POST /login checks the password and sets the session cookie, POST
/// /logout clears it; GET /login/continue, where the provider's callback lands, goes on to the page asked for (see
/// <see cref="BrowserSignIn"/> on SameSite). A ReturnUrl (a path on this gateway, nothing else) is where sign-in goes
/// back to. Forms carry antiforgery tokens; failed passwords are limited per client address
/// (<see cref="LoginThrottle"/>, <see cref="ClientPartition.AddressOf"/>).
/// </summary>
public static partial class LoginEndpoints
{
    /// <summary>The routes, open to anyone (the test of every route's policy lists them).</summary>
    public static IReadOnlyList<string> Routes { get; } = ["/login", "/logout", ContinuePath];

    /// <summary>The query parameter (and form field) naming the page to go back to after signing in.</summary>
    public const string ReturnUrlParameter = "ReturnUrl";

    private const string ContinuePath = "/login/continue";

    private const string Off = "Browser sign-in is off: set Gateway:Security:LocalAdmin:Enabled=true, or Gateway:Security:Oidc:ClientId with an Authority.";

    public static IEndpointRouteBuilder MapLogin(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/login", async (HttpContext context, IOptions<SecurityOptions> options, IAntiforgery antiforgery) =>
        {
            var security = options.Value;
            var returnUrl = LocalReturnUrl.Of(context.Request.Query[ReturnUrlParameter]);
            if (security.Enabled && await context.AuthenticateAsync(BrowserSignIn.CookieScheme).ConfigureAwait(false) is { Succeeded: true } session)
            {
                return LoginPage.SignedIn(antiforgery.GetAndStoreTokens(context), session.Principal.Identity?.Name ?? "?", returnUrl);
            }

            if (security.HasAuthority && security.Oidc.Enabled)
            {
                var continueAt = $"{ContinuePath}?{ReturnUrlParameter}={Uri.EscapeDataString(returnUrl)}";
                return Results.Challenge(new AuthenticationProperties { RedirectUri = continueAt }, [BrowserSignIn.OidcScheme]);
            }

            return security.LocalAdmin.Enabled ? LoginPage.SignIn(antiforgery.GetAndStoreTokens(context), null, returnUrl) : Results.NotFound(Off);
        });
        endpoints.MapGet(ContinuePath, (HttpContext context) => LoginPage.Continue(LocalReturnUrl.Of(context.Request.Query[ReturnUrlParameter])));
        endpoints.MapPost("/login", SignInAsync).Audited(AuditAction.Login);
        endpoints.MapPost("/logout", async (HttpContext context, IAntiforgery antiforgery, ILoggerFactory loggers) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
            {
                return Results.BadRequest("The form's antiforgery token is missing or wrong: reload the page.");
            }

            var user = context.User.Identity?.Name ?? "(not signed in)";
            var logger = loggers.CreateLogger(typeof(LoginEndpoints));
            Log.SignedOut(logger, user);
            await context.SignOutAsync(BrowserSignIn.CookieScheme).ConfigureAwait(false);
            return Results.Redirect("/login", permanent: false, preserveMethod: false);
        }).Audited(AuditAction.Logout);
        return endpoints;
    }

    private static async Task<IResult> SignInAsync(
        HttpContext context,
        IOptions<SecurityOptions> options,
        IOptions<GatewayOptions> gateway,
        IAntiforgery antiforgery,
        ILocalAccountStore accounts,
        LoginThrottle throttle,
        ILoggerFactory loggers)
    {
        if (!options.Value.LocalAdmin.Enabled)
        {
            return Results.NotFound(Off);
        }

        if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return Results.BadRequest("The form's antiforgery token is missing or wrong: reload the page.");
        }

        var logger = loggers.CreateLogger(typeof(LoginEndpoints));
        // The client as request limits and the audit see it: behind a trusted proxy, the address it forwarded for.
        var address = ClientPartition.AddressOf(context, gateway.Value.TrustedProxies);
        var from = address?.ToString() ?? "unknown";
        if (throttle.RetryAfter(address) is { } wait)
        {
            Log.Throttled(logger, from);
            context.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return Results.Problem("Too many failed sign-ins from this address: wait a minute.", statusCode: StatusCodes.Status429TooManyRequests);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var returnUrl = LocalReturnUrl.Of(form[ReturnUrlParameter]);
        var user = form["username"].ToString().Trim();
        var password = form["password"].ToString();
        var stored = user == LocalAdminOptions.UserName ? await accounts.FindAsync(user, context.RequestAborted).ConfigureAwait(false) : null;
        if (stored is null || !stored.Verify(password))
        {
            throttle.Failed(address);
            context.Audit().Detail = "wrong user name or password";
            var shown = user.Length > 64 ? user[..64] : user;
            Log.Failed(logger, shown, from);
            return LoginPage.SignIn(antiforgery.GetAndStoreTokens(context), "Wrong user name or password.", returnUrl, StatusCodes.Status401Unauthorized);
        }

        throttle.Succeeded(address);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, user),
                new Claim(ClaimTypes.NameIdentifier, "local:" + user),
                new Claim(GatewayRoles.ClaimType, GatewayRoles.Admin),
            ],
            BrowserSignIn.CookieScheme);
        var principal = new ClaimsPrincipal(identity);
        await context.SignInAsync(BrowserSignIn.CookieScheme, principal, new AuthenticationProperties { IsPersistent = true }).ConfigureAwait(false);

        // The audit row of this sign-in names the user who signed in, not the anonymous caller the request came as.
        context.User = principal;
        Log.SignedIn(logger, user, from);
        return Results.Redirect(returnUrl, permanent: false, preserveMethod: false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7822, Level = LogLevel.Information, Message = "Signed in: {User} from {Address} (local account)")]
        public static partial void SignedIn(ILogger logger, string user, string address);

        [LoggerMessage(EventId = 7823, Level = LogLevel.Warning, Message = "Sign-in failed: user {User} from {Address} (wrong user name or password)")]
        public static partial void Failed(ILogger logger, string user, string address);

        [LoggerMessage(EventId = 7824, Level = LogLevel.Warning, Message = "Sign-in refused: too many failed sign-ins from {Address} (429)")]
        public static partial void Throttled(ILogger logger, string address);

        [LoggerMessage(EventId = 7825, Level = LogLevel.Information, Message = "Signed out: {User}")]
        public static partial void SignedOut(ILogger logger, string user);
    }
}
