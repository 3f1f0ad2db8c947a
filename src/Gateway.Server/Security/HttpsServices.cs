using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Security;

/// <summary>
/// HTTPS on Gateway:Https:Url: Kestrel's HTTPS endpoints present <see cref="ServerCertificate"/>'s current
/// certificate at each handshake (so a reload needs no restart), HTTPS responses carry Strict-Transport-Security, and
/// plain HTTP is redirected when Gateway:Https:RedirectHttp is on.
/// </summary>
public static class HttpsServices
{
    public static IServiceCollection AddGatewayHttps(this IServiceCollection services)
    {
        services.AddOptions<HttpsOptions>().BindConfiguration(HttpsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<HttpsOptions>>(new ProblemValidation());
        services.AddSingleton<ServerCertificate>();
        services.AddHostedService<ServerCertificateWatcher>();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<HttpsOptions>, IServiceProvider>((kestrel, options, provider) =>
        {
            if (!options.Value.Enabled)
            {
                return;
            }

            var certificate = provider.GetRequiredService<ServerCertificate>();
            kestrel.ConfigureHttpsDefaults(https =>
            {
                // Kestrel wants a certificate to start with; each handshake then takes the one in use at that moment.
                https.ServerCertificate = certificate.Leaf;
                https.OnAuthenticate = (_, authentication) =>
                {
                    authentication.ServerCertificate = null;
                    authentication.ServerCertificateContext = certificate.Context;
                };
            });
        });
        services.AddOptions<HstsOptions>().Configure<IOptions<HttpsOptions>>((hsts, options) =>
        {
            hsts.MaxAge = TimeSpan.FromSeconds(options.Value.HstsMaxAgeSeconds);
            hsts.IncludeSubDomains = options.Value.HstsIncludeSubDomains;

            // The gateway's clients may well reach it by address; HSTS is asked for wherever HTTPS is served.
            hsts.ExcludedHosts.Clear();
        });
        return services;
    }

    /// <summary>HSTS on HTTPS responses and, when asked for, redirects from HTTP; nothing while HTTPS is off.</summary>
    public static IApplicationBuilder UseGatewayHttps(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ApplicationServices.GetRequiredService<IOptions<HttpsOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        if (options.RedirectHttp)
        {
            app.UseHttpsRedirection();
        }

        if (options.HstsMaxAgeSeconds > 0)
        {
            app.UseHsts();
        }

        return app;
    }

    private sealed class ProblemValidation : IValidateOptions<HttpsOptions>
    {
        public ValidateOptionsResult Validate(string? name, HttpsOptions options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
