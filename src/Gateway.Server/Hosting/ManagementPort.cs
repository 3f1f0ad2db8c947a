using Gateway.Core.Statistics;
using Gateway.Server.Admin;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Hosting;

/// <summary>
/// Requests that reach Gateway:Management:Url's port leave the main pipeline at once (no authentication, no request
/// limits, no endpoints): GET /metrics, /health/live and /health/ready are answered, anything else is 404. The port
/// the connection reached decides, not the Host header a client writes.
/// </summary>
public static partial class ManagementPort
{
    public static IApplicationBuilder UseGatewayManagementPort(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ApplicationServices.GetRequiredService<IOptions<ManagementOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        var port = options.Port;
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ManagementPort));
        if (Security.HttpBindSafety.IsLoopback(options.Url!))
        {
            Log.Serving(logger, options.Url!);
        }
        else
        {
            Log.ServingBeyondLoopback(logger, options.Url!);
        }

        return app.MapWhen(context => context.Connection.LocalPort == port, management => management.Run(ServeAsync));
    }

    private static async Task ServeAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var cancellationToken = context.RequestAborted;
        var result = !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            ? Results.StatusCode(StatusCodes.Status405MethodNotAllowed)
            : context.Request.Path.Value switch
            {
                "/metrics" => await MetricsEndpoints.ScrapeAsync(services, cancellationToken).ConfigureAwait(false),
                "/health/live" => HealthEndpoints.Live(),
                "/health/ready" => await HealthEndpoints.ReadyAsync(services.GetRequiredService<GatewayReadiness>(), cancellationToken).ConfigureAwait(false),
                _ => Results.Text("The management port serves /metrics, /health/live and /health/ready only.\n", statusCode: StatusCodes.Status404NotFound),
            };
        await result.ExecuteAsync(context).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7765, Level = LogLevel.Information, Message = "Management port on {Url}: /metrics and the health checks without a token, nothing else")]
        public static partial void Serving(ILogger logger, string url);

        [LoggerMessage(EventId = 7766, Level = LogLevel.Warning, Message = "Management port on {Url}, beyond loopback: anyone who reaches it reads /metrics without a token (firewall it to the monitoring network)")]
        public static partial void ServingBeyondLoopback(ILogger logger, string url);
    }
}
