namespace Gateway.Server.Security;

/// <summary>
/// Browser sign-in through the Authority (section "Gateway:Security:Oidc"): the gateway's client at the provider,
/// allowed the authorization code grant with PKCE and the redirect URI https://GATEWAY/signin-oidc.
/// </summary>
public sealed class OidcSignInOptions
{
    /// <summary>The client id; without one browser sign-in is off and only bearer tokens and API keys authenticate.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret (a confidential client); empty for a public client (PKCE alone).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for besides openid (e.g. "profile roles" where the provider puts roles in the ID token by scope).</summary>
    public List<string> Scopes { get; set; } = [];

    public bool Enabled => !string.IsNullOrWhiteSpace(ClientId);
}
