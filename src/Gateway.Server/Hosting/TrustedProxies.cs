using System.Net;

namespace Gateway.Server.Hosting;

/// <summary>
/// Gateway:TrustedProxies: the reverse proxies (addresses, or networks as CIDR) whose X-Forwarded-Proto,
/// X-Forwarded-Host and X-Forwarded-Prefix say how clients reach the gateway. Nobody else's headers, Host included,
/// go into a URL the gateway hands out.
/// </summary>
public static class TrustedProxies
{
    public static bool IsValid(string entry) => TryParse(entry, out _);

    public static bool Contains(IEnumerable<string> entries, IPAddress? remote)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (remote is null)
        {
            return false;
        }

        var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
        return entries.Any(entry => TryParse(entry, out var network) && network.Contains(address));
    }

    private static bool TryParse(string entry, out IPNetwork network)
    {
        var text = entry.Trim();
        if (text.Contains('/', StringComparison.Ordinal))
        {
            return IPNetwork.TryParse(text, out network);
        }

        if (IPAddress.TryParse(text, out var address))
        {
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        network = default;
        return false;
    }
}
