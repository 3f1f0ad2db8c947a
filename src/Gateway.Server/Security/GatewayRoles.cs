namespace Gateway.Server.Security;

/// <summary>The gateway's roles, and the claim that carries them once a token's claims or an API key are mapped.</summary>
public static class GatewayRoles
{
    public const string Viewer = "viewer";

    public const string Uploader = "uploader";

    public const string Admin = "admin";

    /// <summary>The claim type of a caller's gateway roles (set by this code only, from the token's role claim or the API key).</summary>
    public const string ClaimType = "urn:medvae-gateway:role";

    public static IReadOnlyList<string> All { get; } = [Viewer, Uploader, Admin];
}

/// <summary>The authorization policies every route names (one per role); see GatewayHost for which route needs which.</summary>
public static class GatewayPolicies
{
    public const string Viewer = "gateway-viewer";

    public const string Uploader = "gateway-uploader";

    public const string Admin = "gateway-admin";

    public static IReadOnlyDictionary<string, string> RoleOf { get; } = new Dictionary<string, string>
    {
        [Viewer] = GatewayRoles.Viewer,
        [Uploader] = GatewayRoles.Uploader,
        [Admin] = GatewayRoles.Admin,
    };
}
