using System.Net;
using Gateway.Server.Hosting;

namespace Gateway.Server.DicomWeb.Retrieve;

/// <summary>
/// The absolute URL of the DICOMweb root as clients reach it, for RetrieveURL and BulkDataURI: the configured public
/// base URL; else, for a request relayed by one of Gateway:TrustedProxies, what its X-Forwarded-* (or Host) headers
/// say; else the address and port the connection reached, which a client cannot forge (its Host header is not used).
/// </summary>
internal static class DicomWebBaseUrl
{
    public static string Of(HttpRequest request, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl))
        {
            return options.PublicBaseUrl.TrimEnd('/');
        }

        var connection = request.HttpContext.Connection;
        if (TrustedProxies.Contains(options.TrustedProxies, connection.RemoteIpAddress))
        {
            var scheme = First(request.Headers["X-Forwarded-Proto"]) is { } forwardedScheme && (forwardedScheme is "http" or "https") ? forwardedScheme : request.Scheme;
            var host = First(request.Headers["X-Forwarded-Host"]) is { } forwardedHost && IsHost(forwardedHost) ? forwardedHost : request.Host.Value;
            var prefix = First(request.Headers["X-Forwarded-Prefix"]) is { } forwardedPrefix && forwardedPrefix.StartsWith('/') && Uri.IsWellFormedUriString(forwardedPrefix, UriKind.Relative)
                ? forwardedPrefix.TrimEnd('/')
                : string.Empty;
            return $"{scheme}://{host}{prefix}{request.PathBase}/dicomweb";
        }

        var local = connection.LocalIpAddress ?? IPAddress.Loopback;
        local = local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local;
        var authority = new UriBuilder(request.Scheme, local.ToString(), connection.LocalPort).Uri.GetLeftPart(UriPartial.Authority);
        return $"{authority}{request.PathBase}/dicomweb";
    }

    public static string Instance(string baseUrl, string study, string series, string instance) =>
        $"{baseUrl}/studies/{Uri.EscapeDataString(study)}/series/{Uri.EscapeDataString(series)}/instances/{Uri.EscapeDataString(instance)}";

    /// <summary>The first of a comma-separated header's values (the one the client sent, for X-Forwarded-*), or null.</summary>
    private static string? First(Microsoft.Extensions.Primitives.StringValues values)
    {
        var first = values.Count > 0 ? values[0]?.Split(',')[0].Trim() : null;
        return string.IsNullOrEmpty(first) ? null : first;
    }

    private static bool IsHost(string value) =>
        Uri.TryCreate("http://" + value, UriKind.Absolute, out var uri) && uri.PathAndQuery == "/" && string.IsNullOrEmpty(uri.UserInfo) && uri.Authority.Length > 0;
}
