using System.Globalization;
using Gateway.Core.Audit;

namespace Gateway.Server.Audit.Http;

/// <summary>
/// GET /api/audit (admins): the audit trail, newest first, as JSON. Filters: action, actor (the actor id: token
/// subject, API key id or AE title), study, from and to (ISO 8601, to exclusive); paging: limit (1-1000, default
/// 100) and cursor (the "next" of the previous page).
/// </summary>
public static class AuditEndpoints
{
    public const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/api/audit", async (HttpRequest request, IAuditStore store, CancellationToken cancellationToken) =>
        {
            var problem = TryParse(request.Query, out var query);
            if (problem is not null)
            {
                return Results.Problem(problem, statusCode: StatusCodes.Status400BadRequest);
            }

            var found = await store.FindAsync(query, cancellationToken).ConfigureAwait(false);
            return Results.Json(new
            {
                events = found.Select(stored => new
                {
                    stored.Id,
                    stored.Event.At,
                    stored.Event.Action,
                    outcome = (int)stored.Event.Outcome,
                    actor = new { stored.Event.Actor.Kind, stored.Event.Actor.Id, stored.Event.Actor.Name, stored.Event.Actor.Address },
                    study = stored.Event.StudyInstanceUid,
                    series = stored.Event.SeriesInstanceUid,
                    instance = stored.Event.SopInstanceUid,
                    stored.Event.Detail,
                }),
                next = found.Count == query.Limit ? found[^1].Id.ToString(CultureInfo.InvariantCulture) : null,
            });
        });
        return endpoints;
    }

    private static string? TryParse(IQueryCollection parameters, out AuditQuery query)
    {
        query = new AuditQuery();
        string? Text(string name) => parameters[name].ToString() is { Length: > 0 } value ? value : null;

        var action = Text("action");
        if (action is not null && !AuditAction.All.Contains(action))
        {
            return $"action must be one of {string.Join(", ", AuditAction.All)}.";
        }

        DateTimeOffset? from = null, to = null;
        if (Text("from") is { } fromText)
        {
            if (!DateTimeOffset.TryParse(fromText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return "from must be an ISO 8601 date and time.";
            }

            from = parsed;
        }

        if (Text("to") is { } toText)
        {
            if (!DateTimeOffset.TryParse(toText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return "to must be an ISO 8601 date and time.";
            }

            to = parsed;
        }

        var limit = 100;
        if (Text("limit") is { } limitText && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return $"limit must be 1-{MaxLimit}.";
        }

        long? before = null;
        if (Text("cursor") is { } cursorText)
        {
            if (!long.TryParse(cursorText, NumberStyles.None, CultureInfo.InvariantCulture, out var cursor))
            {
                return "cursor must be the next value of a previous page.";
            }

            before = cursor;
        }

        query = new AuditQuery(action, Text("actor"), Text("study"), from, to, before, limit);
        return null;
    }
}
