using Gateway.Core.Security;
using Gateway.Infrastructure.Postgres.Security;
using Gateway.Server.AdminConsole;
using Gateway.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Security;

/// <summary>
/// HTTP authentication and authorization: bearer tokens (JwtBearer against the issuer's discovery document and
/// keys), API keys and the browser's session cookie (<see cref="BrowserSignIn"/>) behind one scheme that picks by
/// header, and one policy per role. With authentication off (no Authority, no local admin) the policies admit
/// everyone, so routes still name their requirement.
/// </summary>
public static class SecurityServices
{
    /// <summary>The scheme requests are authenticated with: API key when one is sent, bearer token for another Authorization header, else the session cookie.</summary>
    public const string SchemeName = "Gateway";

    public static IServiceCollection AddGatewaySecurity(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration.GetSection(SecurityOptions.SectionName).Get<SecurityOptions>() ?? new SecurityOptions();
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName).ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidation>();
        services.AddSingleton<IApiKeyStore>(provider => new PostgresApiKeyStore(provider.GetRequiredService<DatabaseHost>().DataSource));

        services.AddAuthentication()
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddGatewayBrowserSignIn(oidc: configured.HasAuthority && configured.Oidc.Enabled)
            .AddPolicyScheme(SchemeName, "Bearer token, API key or session cookie", scheme =>
                scheme.ForwardDefaultSelector = context => ApiKeyAuthenticationHandler.Carries(context.Request)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : context.Request.Headers.Authorization.Count > 0 ? JwtBearerDefaults.AuthenticationScheme : BrowserSignIn.CookieScheme);
        services.AddOptions<AuthenticationOptions>().Configure<IOptions<SecurityOptions>>((authentication, security) =>
        {
            if (security.Value.Enabled)
            {
                authentication.DefaultScheme = SchemeName;
            }
        });
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<SecurityOptions>>((jwt, options) =>
        {
            var security = options.Value;
            jwt.Authority = security.Authority;
            jwt.Audience = security.Audience;
            jwt.RequireHttpsMetadata = security.RequireHttpsMetadata;
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters.ValidateIssuer = true;
            jwt.TokenValidationParameters.ValidateAudience = true;
            jwt.TokenValidationParameters.ValidateLifetime = true;
            jwt.TokenValidationParameters.RequireExpirationTime = true;
            jwt.TokenValidationParameters.RequireSignedTokens = true;
            jwt.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(security.ClockSkewSeconds);
            jwt.TokenValidationParameters.NameClaimType = "sub";
            jwt.Events = new JwtBearerEvents
            {
                OnTokenValidated = context =>
                {
                    TokenRoles.Apply(context.Principal!, security);
                    return Task.CompletedTask;
                },
            };
        });

        // HTTPS, CORS for viewers of other origins, and request limits per client.
        services.AddGatewayHttps();
        services.AddGatewayCors();
        services.AddGatewayRateLimits();

        services.AddAuthorization();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ForbiddenPage>();
        services.AddOptions<AuthorizationOptions>().Configure<IOptions<SecurityOptions>>((authorization, security) =>
        {
            // A route that names no policy (a test fails for it) still needs a signed-in caller.
            if (security.Value.Enabled)
            {
                authorization.FallbackPolicy = new AuthorizationPolicyBuilder(SchemeName).RequireAuthenticatedUser().Build();
            }

            foreach (var (policy, role) in GatewayPolicies.RoleOf)
            {
                authorization.AddPolicy(policy, builder =>
                {
                    if (security.Value.Enabled)
                    {
                        builder.AddAuthenticationSchemes(SchemeName).RequireAuthenticatedUser().RequireClaim(GatewayRoles.ClaimType, role);
                    }
                    else
                    {
                        builder.RequireAssertion(_ => true);
                    }
                });
            }
        });
        return services;
    }
}
