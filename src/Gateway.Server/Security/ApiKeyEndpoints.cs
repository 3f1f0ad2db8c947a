using System.Globalization;
using Gateway.Core.Audit;
using Gateway.Core.Security;
using Gateway.Server.Audit.Http;

namespace Gateway.Server.Security;

/// <summary>
/// Admin API for API keys: POST /api/keys {"name", "roles"} creates one and answers the key (shown this once, stored
/// only as a hash); GET /api/keys lists them without keys; DELETE /api/keys/{id} revokes one (it fails from then on).
/// </summary>
public static class ApiKeyEndpoints
{
    public sealed record CreateRequest(string? Name, List<string>? Roles);

    public static IEndpointRouteBuilder MapApiKeys(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/api/keys", async (CreateRequest request, HttpContext context, IApiKeyStore keys, CancellationToken cancellationToken) =>
        {
            var name = request.Name?.Trim();
            if (string.IsNullOrEmpty(name) || name.Length > 200)
            {
                return Results.Problem("name is required (at most 200 characters).", statusCode: StatusCodes.Status400BadRequest);
            }

            var roles = request.Roles?.Distinct(StringComparer.Ordinal).ToList() ?? [];
            if (roles.Count == 0 || roles.Any(role => !GatewayRoles.All.Contains(role)))
            {
                return Results.Problem($"roles must list one or more of {string.Join(", ", GatewayRoles.All)}.", statusCode: StatusCodes.Status400BadRequest);
            }

            var key = ApiKeySecret.Generate();
            var record = await keys.AddAsync(name, ApiKeySecret.PrefixOf(key), ApiKeySecret.Hash(key), roles, context.User.Identity?.Name ?? "anonymous (authentication off)", cancellationToken).ConfigureAwait(false);
            context.Audit().Detail = string.Create(CultureInfo.InvariantCulture, $"key {record.Id} ({record.Prefix}) roles {string.Join(',', record.Roles)}");
            return Results.Json(new { key, record.Id, record.Name, record.Prefix, record.Roles, record.CreatedAt, record.CreatedBy }, statusCode: StatusCodes.Status201Created);
        }).Audited(AuditAction.ApiKeyCreate);
        endpoints.MapGet("/api/keys", async (IApiKeyStore keys, CancellationToken cancellationToken) =>
            Results.Json(await keys.ListAsync(cancellationToken).ConfigureAwait(false)));
        endpoints.MapDelete("/api/keys/{id:long}", async (long id, HttpContext context, IApiKeyStore keys, CancellationToken cancellationToken) =>
        {
            context.Audit().Detail = string.Create(CultureInfo.InvariantCulture, $"key {id}");
            return await keys.RevokeAsync(id, cancellationToken).ConfigureAwait(false) ? Results.NoContent() : Results.NotFound();
        }).Audited(AuditAction.ApiKeyRevoke);
        return endpoints;
    }
}
