using Gateway.Core.Audit;
using Gateway.Server.Admin;
using Gateway.Server.Audit.Http;
using Gateway.Server.AdminConsole;
using Gateway.Server.DicomWeb.Delete;
using Gateway.Server.DicomWeb.Http;
using Gateway.Server.DicomWeb.Latent;
using Gateway.Server.DicomWeb.Qido;
using Gateway.Server.DicomWeb.Retrieve;
using Gateway.Server.DicomWeb.Stow;
using Gateway.Server.DicomWeb.WadoUri;
using Gateway.Server.Security;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Hosting;

/// <summary>Builds the gateway's web host: configuration (appsettings, GATEWAY__* variables, flags), services, endpoints.</summary>
public static class GatewayHost
{
    /// <param name="overrides">Settings given as command-line flags, as "Gateway:Key" pairs; they win over the rest.</param>
    public static WebApplication Build(IReadOnlyDictionary<string, string?> overrides, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(overrides);
        if (string.Equals(builder.Configuration["Gateway:LogFormat"], "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole();
        }
        else
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            });
        }

        // Main HTTP, HTTPS (Gateway:Https, certificate from HttpsServices) and the management port, in this order;
        // `gateway worker` (Gateway:Listeners false) listens on the management port alone, Gateway:Http's unless set.
        var listeners = builder.Configuration.GetValue("Gateway:Listeners", true);
        var http = builder.Configuration["Gateway:Http"] ?? "127.0.0.1:8080";
        if (!listeners && string.IsNullOrWhiteSpace(builder.Configuration[ManagementOptions.SectionName + ":Url"]))
        {
            builder.Configuration[ManagementOptions.SectionName + ":Url"] = http;
        }

        var https = builder.Configuration[HttpsOptions.SectionName + ":Url"];
        var management = builder.Configuration[ManagementOptions.SectionName + ":Url"];
        string[] served = string.IsNullOrWhiteSpace(https) ? [http] : [http, https.Trim()];
        builder.WebHost.UseUrls(listeners
            ? [ListenAddress.ToUrl(http, "http"), .. Listener(https, "https"), .. Listener(management, "http")]
            : Listener(management, "http"));
        builder.Services.AddGateway(builder.Configuration);
        builder.Services.AddGatewaySecurity(builder.Configuration);
        configure?.Invoke(builder);

        var app = builder.Build();
        if (!listeners)
        {
            // Every request reaches the management port: health checks and /metrics, nothing else.
            app.UseGatewayManagementPort();
            return app;
        }

        HttpBindSafety.Check(app.Configuration, served, app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value, app.Logger);

        // The management port leaves the pipeline first (no audit, no token). Then the audit, outermost of the rest, so
        // it sees the final status code (a damaged object's 500, a 401 or 403); preflights are answered before
        // authentication, and request limits count after it (a client is its key or token).
        app.UseGatewayManagementPort();
        app.UseMiddleware<HttpAuditMiddleware>();
        app.UseGatewayHttps();
        app.UseMiddleware<DamagedObjectResponses>();
        app.UseGatewayCors();
        app.UseAuthentication();
        app.UseGatewayRateLimits();
        app.UseAuthorization();

        // Every route names who may call it (a test fails for one that does not), and its audited action if any.
        var open = app.MapGroup(string.Empty).AllowAnonymous();
        open.MapRoot();
        open.MapGroup(string.Empty).DisableRateLimiting().MapHealth();
        open.MapLogin();

        var viewer = app.MapGroup(string.Empty).RequireAuthorization(GatewayPolicies.Viewer);
        viewer.MapGroup(string.Empty).Audited(AuditAction.Retrieve).MapWadoRs().MapWadoUri();
        viewer.MapGroup(string.Empty).Audited(AuditAction.ExportLatent).MapLatent();
        viewer.MapGroup(string.Empty).Audited(AuditAction.Query).MapQido();

        app.MapGroup(string.Empty).RequireAuthorization(GatewayPolicies.Uploader).Audited(AuditAction.Store).MapStow();

        var admin = app.MapGroup(string.Empty).RequireAuthorization(GatewayPolicies.Admin);
        admin.MapStats();
        admin.MapQuality();
        admin.MapMetrics();
        admin.MapApiKeys();
        admin.MapAudit();
        admin.MapGroup(string.Empty).Audited(AuditAction.Delete).MapDelete();
        admin.MapConsole();
        admin.MapLifecycleConsole();
        admin.MapModelsConsole();
        return app;
    }

    private static string[] Listener(string? address, string scheme) =>
        string.IsNullOrWhiteSpace(address) ? [] : [ListenAddress.ToUrl(address.Trim(), scheme)];
}
