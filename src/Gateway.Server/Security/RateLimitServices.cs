using System.Globalization;
using System.Threading.RateLimiting;
using Gateway.Server.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Security;

/// <summary>
/// Gateway:RateLimit: a fixed window of requests per client (<see cref="ClientPartition"/>), checked after
/// authentication so that a client is its key or token; beyond it 429 with Retry-After (seconds to the next window).
/// </summary>
public static partial class RateLimitServices
{
    public static IServiceCollection AddGatewayRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, IOptions<GatewayOptions>>((limiter, options, gateway) =>
        {
            var limits = options.Value;
            var proxies = gateway.Value.TrustedProxies;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetFixedWindowLimiter(
                ClientPartition.Of(context, proxies),
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.RequestsPerWindow,
                    Window = TimeSpan.FromSeconds(limits.WindowSeconds),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.OnRejected = (rejected, cancellationToken) =>
            {
                var response = rejected.HttpContext.Response;
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                response.ContentType = "text/plain; charset=utf-8";
                return new ValueTask(response.WriteAsync(
                    $"Too many requests: at most {limits.RequestsPerWindow} per {limits.WindowSeconds} s from one client (Gateway:RateLimit); retry after the time Retry-After gives.\n",
                    cancellationToken));
            };
        });
        return services;
    }

    /// <summary>The per-client limits, after authentication; nothing when Gateway:RateLimit:RequestsPerWindow is 0.</summary>
    public static IApplicationBuilder UseGatewayRateLimits(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ApplicationServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimitServices));
        Log.Enabled(logger, options.RequestsPerWindow, options.WindowSeconds);
        return app.UseRateLimiter();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7764, Level = LogLevel.Information, Message = "Request limits on: {Requests} requests per {WindowSeconds} s per client (API key, token subject, else address)")]
        public static partial void Enabled(ILogger logger, int requests, int windowSeconds);
    }
}
