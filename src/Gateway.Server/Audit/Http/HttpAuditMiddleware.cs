using System.Text.RegularExpressions;
using Gateway.Core.Audit;
using Gateway.Server.Hosting;
using Gateway.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Audit.Http;

/// <summary>
/// Audits HTTP requests once they are answered: a 401 is a failed login (with the reason the credentials were
/// refused, or the one a handler gave in <see cref="HttpAuditFeature.Detail"/>); a request to a route marked
/// <see cref="AuditedActionMetadata"/> (or given an <see cref="HttpAuditFeature.Action"/>) leaves one row for its action (or one
/// per instance a handler listed in <see cref="HttpAuditFeature"/>), with the caller, the route's UIDs (or WADO-URI's
/// and QIDO-RS's UID parameters) and an outcome from the status code (2xx/3xx success, 4xx minor, 5xx serious failure) unless the handler set
/// <see cref="HttpAuditFeature.Outcome"/>.
/// </summary>
public sealed partial class HttpAuditMiddleware(RequestDelegate next, IAuditTrail trail, IOptions<GatewayOptions> options)
{
    private const int MaxReasonLength = 200;

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failed = true;
        try
        {
            await next(context).ConfigureAwait(false);
            failed = false;
        }
        finally
        {
            await RecordAsync(context, failed ? StatusCodes.Status500InternalServerError : context.Response.StatusCode).ConfigureAwait(false);
        }
    }

    private async Task RecordAsync(HttpContext context, int status)
    {
        var endpoint = context.GetEndpoint();
        var route = endpoint is RouteEndpoint routed ? $"{context.Request.Method} /{routed.RoutePattern.RawText?.TrimStart('/')}" : context.Request.Method;
        var feature = context.Features.Get<HttpAuditFeature>();
        if (status == StatusCodes.Status401Unauthorized)
        {
            var reason = Shortened(feature?.Detail ?? await RefusalAsync(context).ConfigureAwait(false));
            trail.Record(new AuditEvent(DateTimeOffset.UtcNow, AuditAction.Login, AuditOutcome.MinorFailure, HttpActor.Anonymous(context, options.Value), Detail: $"{route}: {reason}"));
            return;
        }

        if ((endpoint?.Metadata.GetMetadata<AuditedActionMetadata>()?.Action ?? feature?.Action) is not { } action)
        {
            return;
        }

        var now = DateTimeOffset.UtcNow;
        var actor = HttpActor.Of(context, options.Value);
        if (feature is { Instances.Count: > 0 })
        {
            foreach (var instance in feature.Instances)
            {
                trail.Record(new AuditEvent(now, action, instance.Outcome, actor, instance.StudyInstanceUid, instance.SeriesInstanceUid, instance.SopInstanceUid, instance.Detail));
            }

            return;
        }

        var outcome = feature?.Outcome ?? status switch
        {
            < StatusCodes.Status400BadRequest => AuditOutcome.Success,
            < StatusCodes.Status500InternalServerError => AuditOutcome.MinorFailure,
            _ => AuditOutcome.SeriousFailure,
        };
        var detail = feature?.Detail;
        if (status >= StatusCodes.Status400BadRequest)
        {
            detail = detail is null ? $"HTTP {status}" : $"HTTP {status}; {detail}";
        }

        trail.Record(new AuditEvent(
            now,
            action,
            outcome,
            actor,
            Uid(context, "study", "studyUID", "StudyInstanceUID", "0020000D"),
            Uid(context, "series", "seriesUID", "SeriesInstanceUID", "0020000E"),
            Uid(context, "instance", "objectUID", "SOPInstanceUID", "00080018"),
            detail));
    }

    /// <summary>Why the credentials were refused, as the authentication handler said (the result is the one of this request, kept by the handler).</summary>
    private static async Task<string> RefusalAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(SecurityServices.SchemeName).ConfigureAwait(false);
        return result.Failure?.Message ?? (result.None ? "no credentials" : "not authenticated");
    }

    private static string Shortened(string reason) => reason.Length > MaxReasonLength ? reason[..MaxReasonLength] : reason;

    /// <summary>The route value of <paramref name="routeKey"/>, else the first query parameter named one of <paramref name="queryKeys"/>, when it is a UID (never other values).</summary>
    private static string? Uid(HttpContext context, string routeKey, params string[] queryKeys)
    {
        var value = context.Request.RouteValues[routeKey] as string
            ?? queryKeys.Select(key => context.Request.Query[key].ToString()).FirstOrDefault(text => text.Length > 0);
        return value is { Length: <= 64 } && UidPattern().IsMatch(value) ? value : null;
    }

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)*$")]
    private static partial Regex UidPattern();
}
