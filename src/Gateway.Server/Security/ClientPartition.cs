using System.Net;
using System.Security.Claims;
using Gateway.Server.Hosting;

namespace Gateway.Server.Security;

/// <summary>
/// Who a request is for request limits: its API key or token subject when it signed in, else the client's address:
/// the connection's, or for a connection from one of Gateway:TrustedProxies the last X-Forwarded-For address that
/// is not itself one of them (what others write there is not believed).
/// </summary>
public static class ClientPartition
{
    public static string Of(HttpContext context, IReadOnlyList<string> trustedProxies)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            return user.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim) is { } key ? "api-key:" + key : "user:" + user.Identity.Name;
        }

        return "address:" + AddressOf(context, trustedProxies);
    }

    public static IPAddress? AddressOf(HttpContext context, IReadOnlyList<string> trustedProxies)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(trustedProxies);
        var address = Normal(context.Connection.RemoteIpAddress);
        if (!TrustedProxies.Contains(trustedProxies, address))
        {
            return address;
        }

        // Proxies append the address they received from: read from the right, past the trusted proxies.
        var forwarded = context.Request.Headers["X-Forwarded-For"].SelectMany(value => (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        for (var index = forwarded.Count - 1; index >= 0 && TrustedProxies.Contains(trustedProxies, address); index--)
        {
            if (!IPAddress.TryParse(forwarded[index], out var hop))
            {
                break;
            }

            address = Normal(hop);
        }

        return address;
    }

    private static IPAddress? Normal(IPAddress? address) => address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
}
