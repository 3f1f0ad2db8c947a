using System.ComponentModel.DataAnnotations;

namespace Gateway.Server.Security;

/// <summary>
/// HTTP authentication (section "Gateway:Security"): OpenID Connect bearer tokens from <see cref="Authority"/> for
/// <see cref="Audience"/>, or the local admin account (<see cref="LocalAdmin"/>), and API keys admins create. Off while
/// neither is set: then every route answers anyone, and the gateway serves loopback only unless <see cref="Insecure"/>
/// (`--insecure`) is given.
/// </summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Gateway:Security";

    /// <summary>The token issuer (https://idp.example/realms/x): its /.well-known/openid-configuration and keys validate tokens.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience (resource indicator) tokens must be issued for, e.g. https://gateway.example.</summary>
    public string? Audience { get; set; }

    /// <summary>Whether the discovery document must come over HTTPS (turn off only for an issuer on loopback).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Tolerance on a token's lifetime (exp, nbf) for clocks that disagree.</summary>
    [Range(0, 600)]
    public double ClockSkewSeconds { get; set; } = 60;

    /// <summary>
    /// The token claim whose values give roles: a JSON array ("roles": ["viewer"]) or a space-separated string
    /// ("scope": "dicom.read dicom.write").
    /// </summary>
    [Required]
    public string RoleClaim { get; set; } = "roles";

    // The value lists start empty (a configured list replaces the default instead of adding to it): while one is
    // empty, the role's own name is its value (see TokenRoles).

    /// <summary>Values of <see cref="RoleClaim"/> that make a caller a viewer (QIDO-RS, WADO-RS, WADO-URI, rendered, latents).</summary>
    public List<string> ViewerValues { get; set; } = [];

    /// <summary>Values of <see cref="RoleClaim"/> that make a caller an uploader (STOW-RS).</summary>
    public List<string> UploaderValues { get; set; } = [];

    /// <summary>Values of <see cref="RoleClaim"/> that make a caller an admin (statistics, metrics, API keys, delete).</summary>
    public List<string> AdminValues { get; set; } = [];

    /// <summary>Serve a non-loopback HTTP address without authentication (`gateway serve --insecure`): anyone who reaches it may read and store.</summary>
    public bool Insecure { get; set; }

    /// <summary>Browser sign-in with the local admin account, for a gateway without an <see cref="Authority"/>.</summary>
    public LocalAdminOptions LocalAdmin { get; set; } = new();

    /// <summary>Browser sign-in through the <see cref="Authority"/> (authorization code flow with PKCE).</summary>
    public OidcSignInOptions Oidc { get; set; } = new();

    /// <summary>Whether tokens from an <see cref="Authority"/> are what authenticates callers.</summary>
    public bool HasAuthority => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>Whether routes need a signed-in caller: an Authority, or the local admin account, is configured.</summary>
    public bool Enabled => HasAuthority || LocalAdmin.Enabled;

    /// <summary>Why these settings cannot work, or null.</summary>
    public string? Problem()
    {
        if (!HasAuthority)
        {
            return null;
        }

        if (LocalAdmin.Enabled)
        {
            return "Gateway:Security:LocalAdmin:Enabled is for a gateway without an Authority: with one, admins sign in through it (Gateway:Security:Oidc).";
        }

        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
        {
            return "Gateway:Security:Authority must be the issuer's absolute https URL.";
        }

        if (authority.Scheme == "http" && RequireHttpsMetadata)
        {
            return "Gateway:Security:Authority is http: use https, or set Gateway:Security:RequireHttpsMetadata=false for an issuer on loopback.";
        }

        return string.IsNullOrWhiteSpace(Audience) ? "Gateway:Security:Audience is required with an Authority: the audience (resource) the gateway's tokens are issued for." : null;
    }
}
