using Microsoft.AspNetCore.Http;

namespace Gateway.Server.Security;

/// <summary>Listen addresses as settings give them: HOST:PORT, or a URL with its scheme (http://0.0.0.0:8080).</summary>
public static class ListenAddress
{
    /// <summary>The address as a URL Kestrel binds: <paramref name="scheme"/>:// put before a bare HOST:PORT.</summary>
    public static string ToUrl(string address, string scheme)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.Contains("://", StringComparison.Ordinal) ? address : scheme + "://" + address;
    }

    /// <summary>Parses the address (with <paramref name="scheme"/> and an explicit port required) into what Kestrel would bind.</summary>
    public static bool TryParse(string address, string scheme, out BindingAddress binding)
    {
        ArgumentNullException.ThrowIfNull(address);
        binding = null!;
        var url = ToUrl(address.Trim(), scheme).TrimEnd('/');
        try
        {
            binding = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return false;
        }

        return string.Equals(binding.Scheme, scheme, StringComparison.OrdinalIgnoreCase) && !binding.IsUnixPipe
            && !string.IsNullOrEmpty(binding.Host) && !binding.Host.Any(char.IsWhiteSpace)
            && url.EndsWith(":" + binding.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
