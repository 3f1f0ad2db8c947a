using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Gateway.Server.Security;

/// <summary>
/// CORS on the DICOMweb routes for Gateway:Cors:Origins only. A preflight (OPTIONS with Origin and
/// Access-Control-Request-Method) is answered here, before authentication, since a browser sends it without the
/// token; the request that follows is authenticated as any other.
/// </summary>
public static partial class CorsServices
{
    public const string PolicyName = "gateway-dicomweb";

    /// <summary>What viewers need to read from DICOMweb answers (QIDO's Warning, STOW's Location, a 429's Retry-After).</summary>
    private static readonly string[] ExposedHeaders = [HeaderNames.ContentType, HeaderNames.ContentLength, HeaderNames.Warning, HeaderNames.Location, HeaderNames.RetryAfter];

    public static IServiceCollection AddGatewayCors(this IServiceCollection services)
    {
        services.AddOptions<CrossOriginOptions>().BindConfiguration(CrossOriginOptions.SectionName).ValidateDataAnnotations()
            .Validate(options => options.Origins.All(CrossOriginOptions.IsOrigin), "Gateway:Cors:Origins must list origins as scheme://host[:port] (https://viewer.example), without a path; * is not accepted.")
            .ValidateOnStart();
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<CrossOriginOptions>>((cors, options) => cors.AddPolicy(PolicyName, policy => policy
            .WithOrigins([.. options.Value.Origins.Select(origin => origin.Trim().TrimEnd('/'))])
            .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Delete, HttpMethods.Options)
            .WithHeaders(HeaderNames.Authorization, HeaderNames.ContentType, HeaderNames.Accept)
            .WithExposedHeaders(ExposedHeaders)
            .SetPreflightMaxAge(TimeSpan.FromSeconds(options.Value.PreflightMaxAgeSeconds))));
        return services;
    }

    /// <summary>CORS for /dicomweb when origins are configured; nothing otherwise.</summary>
    public static IApplicationBuilder UseGatewayCors(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ApplicationServices.GetRequiredService<IOptions<CrossOriginOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CorsServices));
        var origins = string.Join(", ", options.Origins);
        Log.Enabled(logger, origins);
        return app.UseWhen(context => context.Request.Path.StartsWithSegments("/dicomweb", StringComparison.OrdinalIgnoreCase), dicomWeb => dicomWeb.UseCors(PolicyName));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7763, Level = LogLevel.Information, Message = "CORS on for /dicomweb: browsers may call it from {Origins}")]
        public static partial void Enabled(ILogger logger, string origins);
    }
}
