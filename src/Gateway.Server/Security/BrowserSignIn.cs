using Gateway.Core.Security;
using Gateway.Infrastructure.Postgres.Security;
using Gateway.Server.AdminConsole;
using Gateway.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Gateway.Server.Security;

/// <summary>
/// Browser sign-in for the admin pages: a session cookie (HttpOnly, SameSite=Strict, Secure over HTTPS, sliding
/// 8 hours) set by /login, either from the local admin account or from the Authority's authorization code flow with
/// PKCE; antiforgery for the forms; the data protection keys that seal the cookie kept under the data folder.
/// SameSite=Strict holds for the Authority's flow too: only its correlation and nonce cookies are Lax, since they must
/// come back on the callback, a navigation the provider's page starts. The session cookie set by that callback is not
/// sent on the redirect that follows (the same cross-site navigation), so the callback lands on /login/continue, which
/// moves on to the page asked for by a same-site navigation of its own (docs/console.md).
/// </summary>
public static class BrowserSignIn
{
    public const string CookieScheme = "GatewayCookie";

    public const string OidcScheme = "GatewayOidc";

    public const string CookieName = "gateway.session";

    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    /// <param name="oidc">Whether the Authority's sign-in is configured (an Authority and Gateway:Security:Oidc:ClientId):
    /// its handler exists only then, since it looks at every request for its callback.</param>
    public static AuthenticationBuilder AddGatewayBrowserSignIn(this AuthenticationBuilder authentication, bool oidc)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        var services = authentication.Services;
        services.AddSingleton<ILocalAccountStore>(provider => new PostgresLocalAccountStore(provider.GetRequiredService<DatabaseHost>().DataSource));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<LoginThrottle>();

        // After ArchiveStartup (registered before this): the accounts table exists by then.
        services.AddHostedService<LocalAdminBootstrap>();

        // Sessions survive a restart: the keys that seal cookies and antiforgery tokens live in DATA/keys.
        services.AddDataProtection().SetApplicationName("medvae-gateway");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<GatewayOptions>, ILoggerFactory>((keys, gateway, loggers) =>
            keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(gateway.Value.DataDirectory, "keys")), loggers));
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "gateway.antiforgery";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        authentication.AddCookie(CookieScheme, cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = SessionLifetime;
            cookie.SlidingExpiration = true;

            // A browser's page request without a session goes to /login?ReturnUrl=... (and back after signing in);
            // API requests answer 401 and 403, not a redirect.
            cookie.LoginPath = "/login";
            cookie.ReturnUrlParameter = LoginEndpoints.ReturnUrlParameter;
            cookie.Events.OnRedirectToLogin = context =>
            {
                if (ConsoleRequests.WantsHtml(context.Request))
                {
                    context.Response.Redirect(context.RedirectUri);
                }
                else
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                }

                return Task.CompletedTask;
            };
            cookie.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        if (!oidc)
        {
            return authentication;
        }

        authentication.AddOpenIdConnect(OidcScheme, _ => { });
        services.AddOptions<OpenIdConnectOptions>(OidcScheme).Configure<IOptions<SecurityOptions>, IOptions<GatewayOptions>>((oidc, options, gateway) =>
        {
            var security = options.Value;
            oidc.SignInScheme = CookieScheme;
            oidc.Authority = security.Authority;
            oidc.RequireHttpsMetadata = security.RequireHttpsMetadata;
            oidc.ClientId = security.Oidc.ClientId;
            oidc.ClientSecret = string.IsNullOrEmpty(security.Oidc.ClientSecret) ? null : security.Oidc.ClientSecret;
            oidc.ResponseType = OpenIdConnectResponseType.Code;
            oidc.UsePkce = true;

            // The code comes back on a top-level GET, so the correlation and nonce cookies can stay SameSite=Lax.
            oidc.ResponseMode = OpenIdConnectResponseMode.Query;
            oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
            oidc.NonceCookie.SameSite = SameSiteMode.Lax;
            oidc.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            oidc.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            oidc.MapInboundClaims = false;
            oidc.SaveTokens = false;
            oidc.TokenValidationParameters.NameClaimType = "sub";
            foreach (var scope in security.Oidc.Scopes)
            {
                oidc.Scope.Add(scope);
            }

            // The ID token's role claim maps to gateway roles as an access token's does; sign-ins are audited.
            oidc.Events = OidcSignInEvents.Create(security, gateway.Value);
        });
        return authentication;
    }
}
