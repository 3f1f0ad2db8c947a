using System.Net;

namespace Gateway.Server.Security;

/// <summary>
/// Secure defaults: without authentication the gateway serves HTTP on loopback only; a non-loopback address is
/// refused unless Gateway:Security:Insecure (`--insecure`) says to serve it open.
/// </summary>
public static partial class HttpBindSafety
{
    /// <summary>
    /// Throws <see cref="InsecureBindException"/> for an open, non-loopback bind (Gateway:Http, Gateway:Https:Url, or
    /// any Kestrel:Endpoints URL, which Kestrel would prefer to them); logs what is served otherwise.
    /// </summary>
    /// <param name="served">The addresses DICOMweb is served on, as configured (not the management port: it serves no studies).</param>
    public static void Check(IConfiguration configuration, IReadOnlyList<string> served, SecurityOptions security, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(served);
        ArgumentNullException.ThrowIfNull(security);
        var endpoint = configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(child => child["Url"]).FirstOrDefault(url => url is not null && !IsLoopback(url));
        var open = endpoint ?? served.FirstOrDefault(url => !IsLoopback(url));
        var http = endpoint ?? string.Join(", ", served);
        if (security.HasAuthority)
        {
            Log.Authenticated(logger, http, security.Authority!, security.Audience!);
            return;
        }

        if (security.LocalAdmin.Enabled)
        {
            Log.LocalAdmin(logger, http);
            return;
        }

        if (open is null)
        {
            Log.LoopbackOnly(logger, http);
            return;
        }

        if (!security.Insecure)
        {
            throw new InsecureBindException(
                $"Refusing to serve HTTP on {open} without authentication: anyone who reaches it could read and store studies. " +
                "Configure Gateway:Security:Authority and Gateway:Security:Audience (an OpenID Connect issuer; GATEWAY__Security__Authority=..., " +
                "see \"Securing the gateway\" in README.md), or turn on the local admin account (Gateway:Security:LocalAdmin:Enabled=true: " +
                "browser sign-in and API keys without an issuer), or bind a loopback address (--http 127.0.0.1:8080), " +
                "or pass --insecure (Gateway:Security:Insecure=true) to serve it open on purpose.");
        }

        Log.Insecure(logger, http);
    }

    /// <summary>Whether HOST:PORT (or a URL) names a loopback host: localhost, 127.0.0.0/8 or ::1; wildcards and other names are not.</summary>
    public static bool IsLoopback(string http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var text = http.Contains("://", StringComparison.Ordinal) ? http[(http.IndexOf("://", StringComparison.Ordinal) + 3)..] : http;
        text = text.Split('/')[0];
        string host;
        if (text.StartsWith('['))
        {
            var end = text.IndexOf(']', StringComparison.Ordinal);
            host = end < 0 ? text : text[1..end];
        }
        else
        {
            var colon = text.LastIndexOf(':');
            host = colon < 0 ? text : text[..colon];
        }

        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7700, Level = LogLevel.Warning, Message = "HTTP authentication is not configured (Gateway:Security:Authority): serving {Http} on loopback only; set an Authority to serve other machines")]
        public static partial void LoopbackOnly(ILogger logger, string http);

        [LoggerMessage(EventId = 7701, Level = LogLevel.Warning, Message = "HTTP authentication is not configured and --insecure is given: serving {Http} open to anyone who reaches it")]
        public static partial void Insecure(ILogger logger, string http);

        [LoggerMessage(EventId = 7702, Level = LogLevel.Information, Message = "HTTP authentication on for {Http}: bearer tokens from {Authority} for audience {Audience}, and API keys")]
        public static partial void Authenticated(ILogger logger, string http, string authority, string audience);

        [LoggerMessage(EventId = 7827, Level = LogLevel.Information, Message = "HTTP authentication on for {Http}: the local admin account (browser sign-in at /login) and API keys")]
        public static partial void LocalAdmin(ILogger logger, string http);
    }
}
