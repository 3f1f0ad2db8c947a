using System.ComponentModel.DataAnnotations;

namespace Gateway.Server.Security;

/// <summary>
/// CORS for web viewers served from another origin (section "Gateway:Cors"): the origins listed may call DICOMweb
/// (/dicomweb/...) from a browser. None by default, and then no CORS header is ever sent.
/// </summary>
public sealed class CrossOriginOptions
{
    public const string SectionName = "Gateway:Cors";

    /// <summary>Origins as scheme://host[:port] (https://viewer.hospital.example); "*" is not accepted.</summary>
    public List<string> Origins { get; set; } = [];

    /// <summary>How long a browser may cache a preflight answer (Access-Control-Max-Age).</summary>
    [Range(0, 86400)]
    public int PreflightMaxAgeSeconds { get; set; } = 600;

    public bool Enabled => Origins.Count > 0;

    /// <summary>Whether an entry is an origin: http or https, a host, perhaps a port, and no path, query or fragment.</summary>
    public static bool IsOrigin(string entry) =>
        Uri.TryCreate(entry?.Trim(), UriKind.Absolute, out var origin)
        && origin.Scheme is "http" or "https"
        && origin.AbsolutePath == "/" && string.IsNullOrEmpty(origin.Query) && string.IsNullOrEmpty(origin.Fragment)
        && string.IsNullOrEmpty(origin.UserInfo);
}
