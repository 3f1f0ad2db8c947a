using System.ComponentModel.DataAnnotations;

namespace Gateway.Server.Security;

/// <summary>
/// Request limits per client (section "Gateway:RateLimit"): each client may send <see cref="RequestsPerWindow"/>
/// HTTP requests per <see cref="WindowSeconds"/>; beyond, 429 with Retry-After. A client is its API key or token
/// subject when it signed in, else its address (the one a Gateway:TrustedProxies proxy names in X-Forwarded-For).
/// The health checks, CORS preflights and the management port are not counted.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Gateway:RateLimit";

    /// <summary>
    /// Requests one client may send per window; 0 turns limits off. The default (100 a second on average) lets a
    /// viewer fetch a large CT series frame by frame and stops a runaway script.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int RequestsPerWindow { get; set; } = 6000;

    [Range(1, 86400)]
    public int WindowSeconds { get; set; } = 60;

    public bool Enabled => RequestsPerWindow > 0;
}
