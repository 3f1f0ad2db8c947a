using System.Security.Claims;

namespace Gateway.Server.Security;

/// <summary>Maps the configured claim of a validated token (Gateway:Security:RoleClaim and its values) to gateway roles.</summary>
internal static class TokenRoles
{
    public static void Apply(ClaimsPrincipal principal, SecurityOptions security)
    {
        var values = principal.FindAll(security.RoleClaim)
            .SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);
        var roles = new List<Claim>();
        Add(roles, GatewayRoles.Viewer, security.ViewerValues, values);
        Add(roles, GatewayRoles.Uploader, security.UploaderValues, values);
        Add(roles, GatewayRoles.Admin, security.AdminValues, values);
        principal.AddIdentity(new ClaimsIdentity(roles));
    }

    private static void Add(List<Claim> roles, string role, List<string> mappedValues, HashSet<string> values)
    {
        // An empty list means the default: the role's own name.
        if (mappedValues.Count == 0 ? values.Contains(role) : mappedValues.Any(values.Contains))
        {
            roles.Add(new Claim(GatewayRoles.ClaimType, role));
        }
    }
}
