using System.Security.Claims;
using System.Text.Encodings.Web;
using Gateway.Core.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Security;

/// <summary>
/// Authenticates `X-Api-Key: mvg_...` or `Authorization: ApiKey mvg_...` against the stored hashes; a revoked or
/// unknown key fails (401), a request with neither header is left to the other schemes.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    public const string HeaderName = "X-Api-Key";

    /// <summary>The claims of an authenticated key: its id (what the audit and request limits name it by) and its name.</summary>
    public const string KeyIdClaim = "api_key_id";

    public const string KeyNameClaim = "api_key_name";

    private const string AuthorizationPrefix = SchemeName + " ";

    /// <summary>Whether a request carries an API key (in either header), so that this scheme, not the bearer one, handles it.</summary>
    public static bool Carries(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers.ContainsKey(HeaderName)
            || request.Headers.Authorization.ToString().StartsWith(AuthorizationPrefix, StringComparison.OrdinalIgnoreCase);
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = Request.Headers.TryGetValue(HeaderName, out var header)
            ? header.ToString()
            : Request.Headers.Authorization.ToString() is var authorization && authorization.StartsWith(AuthorizationPrefix, StringComparison.OrdinalIgnoreCase)
                ? authorization[AuthorizationPrefix.Length..]
                : null;
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        key = key.Trim();
        if (!ApiKeySecret.LooksLikeKey(key))
        {
            return AuthenticateResult.Fail("The API key is malformed.");
        }

        var record = await keys.FindActiveAsync(ApiKeySecret.Hash(key), Context.RequestAborted).ConfigureAwait(false);
        if (record is null)
        {
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, "api-key:" + record.Name),
            new(KeyIdClaim, record.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(KeyNameClaim, record.Name),
        };
        claims.AddRange(record.Roles.Select(role => new Claim(GatewayRoles.ClaimType, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
