using System.ComponentModel.DataAnnotations;

namespace Gateway.Server.Security;

/// <summary>
/// HTTPS served by the gateway itself (section "Gateway:Https", `gateway serve --https HOST:PORT`): a PEM certificate
/// and key read from files and read again when they change, and HSTS on HTTPS responses. Off while no Url is set.
/// </summary>
public sealed class HttpsOptions
{
    public const string SectionName = "Gateway:Https";

    /// <summary>HTTPS listen address HOST:PORT (0.0.0.0:8443), served beside Gateway:Http; empty: no HTTPS.</summary>
    public string? Url { get; set; }

    /// <summary>The certificate (PEM): the server's certificate first, then any intermediates it is sent with.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The private key (PEM, unencrypted); empty when it is in <see cref="CertificateFile"/>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>How often the two files are compared with what was loaded; a change is loaded without a restart.</summary>
    [Range(0.05, 3600)]
    public double ReloadCheckSeconds { get; set; } = 10;

    /// <summary>Strict-Transport-Security max-age on HTTPS responses (default one year); 0 sends no HSTS header.</summary>
    [Range(0, int.MaxValue)]
    public int HstsMaxAgeSeconds { get; set; } = 365 * 24 * 3600;

    /// <summary>Whether the HSTS header covers subdomains of the host too.</summary>
    public bool HstsIncludeSubDomains { get; set; }

    /// <summary>Answer plain HTTP requests (not the management port's) with a redirect to HTTPS.</summary>
    public bool RedirectHttp { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    /// <summary>Why these settings cannot work, or null.</summary>
    public string? Problem()
    {
        if (!Enabled)
        {
            return RedirectHttp ? "Gateway:Https:RedirectHttp needs Gateway:Https:Url (HTTPS to redirect to)." : null;
        }

        if (!ListenAddress.TryParse(Url!, "https", out _))
        {
            return "Gateway:Https:Url must be HOST:PORT (0.0.0.0:8443) or an https:// URL.";
        }

        return string.IsNullOrWhiteSpace(CertificateFile)
            ? "Gateway:Https:Url needs Gateway:Https:CertificateFile (PEM) and, unless the key is in that file, Gateway:Https:KeyFile."
            : null;
    }
}
