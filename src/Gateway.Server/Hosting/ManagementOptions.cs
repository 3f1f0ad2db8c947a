using Gateway.Server.Security;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Hosting;

/// <summary>
/// A management port (section "Gateway:Management", `gateway serve --management HOST:PORT`): /metrics,
/// /health/live and /health/ready without a token, for Prometheus and probes, and nothing else (no DICOMweb, no
/// admin API). Off while no Url is set; /metrics on the main port needs an admin then as always.
/// </summary>
public sealed class ManagementOptions
{
    public const string SectionName = "Gateway:Management";

    /// <summary>Listen address HOST:PORT (127.0.0.1:9100); the port must be a fixed one, not 0, and no other listener's.</summary>
    public string? Url { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    /// <summary>The management port, known to be valid (see <see cref="Problem"/>).</summary>
    public int Port => ListenAddress.TryParse(Url!, "http", out var binding) ? binding.Port : 0;

    /// <summary>Why these settings cannot work beside the other listeners' ports, or null.</summary>
    public string? Problem(IEnumerable<string?> otherListeners)
    {
        ArgumentNullException.ThrowIfNull(otherListeners);
        if (!Enabled)
        {
            return null;
        }

        if (!ListenAddress.TryParse(Url!, "http", out var binding) || binding.Port == 0)
        {
            return "Gateway:Management:Url must be HOST:PORT with a fixed port (127.0.0.1:9100): requests are told apart by the port they reach.";
        }

        return otherListeners.Any(other => other is not null && ListenAddress.TryParse(other, other.StartsWith("https", StringComparison.OrdinalIgnoreCase) ? "https" : "http", out var used) && used.Port == binding.Port)
            ? $"Gateway:Management:Url's port {binding.Port} is another listener's (Gateway:Http or Gateway:Https:Url): give it a port of its own."
            : null;
    }
}

/// <summary>Refuses a management port that is missing, 0, or another listener's, naming the setting.</summary>
internal sealed class ManagementOptionsValidation(IOptions<GatewayOptions> gateway, IOptions<HttpsOptions> https) : IValidateOptions<ManagementOptions>
{
    public ValidateOptionsResult Validate(string? name, ManagementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // `gateway worker` has no other listener (its management port is Gateway:Http's unless set).
        string?[] others = gateway.Value.Listeners ? [gateway.Value.Http, https.Value.Url] : [];
        return options.Problem(others) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
