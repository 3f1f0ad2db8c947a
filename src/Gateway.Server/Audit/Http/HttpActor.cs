using Gateway.Core.Audit;
using Gateway.Server.Hosting;
using Gateway.Server.Security;

namespace Gateway.Server.Audit.Http;

/// <summary>Who sent an HTTP request, for the audit trail: the API key, the token's subject (and client), or nobody known.</summary>
internal static class HttpActor
{
    public static AuditActor Of(HttpContext context, GatewayOptions options)
    {
        var user = context.User;
        var address = Address(context, options);
        if (user.FindFirst(ApiKeyAuthenticationHandler.KeyIdClaim) is { } keyId)
        {
            return new AuditActor(AuditActorKind.ApiKey, keyId.Value, user.FindFirst(ApiKeyAuthenticationHandler.KeyNameClaim)?.Value, address);
        }

        if (user.Identity?.IsAuthenticated == true)
        {
            var client = user.FindFirst("azp")?.Value ?? user.FindFirst("client_id")?.Value;
            return new AuditActor(AuditActorKind.User, user.FindFirst("sub")?.Value ?? user.Identity.Name, client, address);
        }

        return Anonymous(context, options);
    }

    /// <summary>A caller not (or not yet) known; one that sent an API key is named by the key's clear prefix.</summary>
    public static AuditActor Anonymous(HttpContext context, GatewayOptions options)
    {
        var key = context.Request.Headers[ApiKeyAuthenticationHandler.HeaderName].ToString();
        var authorization = context.Request.Headers.Authorization.ToString();
        if (key.Length == 0 && authorization.StartsWith(ApiKeyAuthenticationHandler.SchemeName + " ", StringComparison.OrdinalIgnoreCase))
        {
            key = authorization[(ApiKeyAuthenticationHandler.SchemeName.Length + 1)..].Trim();
        }

        var name = key.Length >= Core.Security.ApiKeySecret.PrefixLength ? "api key " + key[..Core.Security.ApiKeySecret.PrefixLength] : null;
        return new AuditActor(AuditActorKind.Anonymous, null, name, Address(context, options));
    }

    /// <summary>The client's address, as request limits see it (<see cref="ClientPartition.AddressOf"/>).</summary>
    private static string? Address(HttpContext context, GatewayOptions options) => ClientPartition.AddressOf(context, options.TrustedProxies)?.ToString();
}
