using System.Globalization;
using Gateway.Core.Audit;
using Gateway.Core.Lifecycle;
using Gateway.Server.Audit.Http;
using Microsoft.AspNetCore.Antiforgery;
using Npgsql;

namespace Gateway.Server.AdminConsole;

/// <summary>The console's lifecycle page and its "run a batch now" action (POST with antiforgery, audited as <see cref="AuditAction.LifecycleRun"/>).</summary>
public static class LifecycleEndpoints
{
    public const string Path = ConsoleEndpoints.Root + "/lifecycle";

    public static IEndpointRouteBuilder MapLifecycleConsole(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet(Path, PageAsync);
        endpoints.MapPost(Path + "/run", RunAsync).Audited(AuditAction.LifecycleRun);
        return endpoints;
    }

    private static async Task<IResult> PageAsync(
        HttpContext context, IAntiforgery antiforgery, ILifecycleIndex index, LifecycleRules rules, LifecycleOptions options, TimeProvider time, string? notice, long? batch, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<LifecycleRuleReport> reports;
        LifecycleBatch? latest;
        try
        {
            reports = await index.ReportAsync(rules, now, LifecyclePage.SampleSize, cancellationToken).ConfigureAwait(false);
            latest = await index.LatestBatchAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            return ConsolePage.Render(context, antiforgery, Path, "Lifecycle", "<p class=\"notice error\" role=\"alert\">PostgreSQL does not answer: no figures until it does (see /health/ready).</p>", StatusCodes.Status503ServiceUnavailable);
        }

        var id = batch?.ToString(CultureInfo.InvariantCulture) ?? "?";
        var message = notice switch
        {
            "queued" => $"Batch {id} is queued.",
            "unchanged" => "No batch was queued: one still runs, or nothing is pending.",
            _ => null,
        };
        return ConsolePage.Render(context, antiforgery, Path, "Lifecycle", LifecyclePage.Render(rules, options, reports, latest, now, antiforgery.GetAndStoreTokens(context), message));
    }

    private static async Task<IResult> RunAsync(HttpContext context, IAntiforgery antiforgery, ILifecycleIndex index, LifecycleRules rules, LifecycleOptions options, TimeProvider time)
    {
        if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return Results.BadRequest("The form's antiforgery token is missing or wrong: reload the page.");
        }

        var by = context.User.Identity?.Name ?? "admin";
        var batch = await index.StartBatchAsync(rules, time.GetUtcNow(), options.BatchSize, by, context.RequestAborted).ConfigureAwait(false);
        context.Audit().Outcome = batch is null ? AuditOutcome.MinorFailure : null;
        context.Audit().Detail = batch is null
            ? "lifecycle batch: unchanged"
            : string.Create(CultureInfo.InvariantCulture, $"lifecycle batch {batch.Id}: {batch.Queued} queued");
        return Results.Redirect(batch is null ? $"{Path}?notice=unchanged" : string.Create(CultureInfo.InvariantCulture, $"{Path}?notice=queued&batch={batch.Id}"));
    }
}
