using System.Globalization;
using Gateway.Core.Audit;
using Gateway.Core.Backfill;
using Gateway.Core.Compression;
using Gateway.Core.Statistics;
using Gateway.Server.Audit.Http;
using Gateway.Server.Models;
using Microsoft.AspNetCore.Antiforgery;
using Npgsql;

namespace Gateway.Server.AdminConsole;

/// <summary>
/// The console's models page (issue 17): GET /console/models, and its forms, each a POST with an antiforgery token:
/// promote a model for a rule (audited as <see cref="AuditAction.ModelPromote"/>, detail "rule N: MODEL"), start a
/// dry run (audited as <see cref="AuditAction.ModelDryRun"/>) and start a backfill of a promoted rule (audited as
/// <see cref="AuditAction.ModelBackfill"/>, detail "rule N: MODEL, backfill ID: COUNT queued"). GatewayHost maps them for the admin role.
/// </summary>
public static partial class ModelsConsoleEndpoints
{
    public static IEndpointRouteBuilder MapModelsConsole(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet(ModelsPage.Path, PageAsync);
        endpoints.MapPost(ModelsPage.Path + "/promote", PromoteAsync).Audited(AuditAction.ModelPromote);
        endpoints.MapPost(ModelsPage.Path + "/dry-run", DryRunAsync).Audited(AuditAction.ModelDryRun);
        endpoints.MapPost(ModelsPage.Path + "/backfill", BackfillAsync).Audited(AuditAction.ModelBackfill);
        return endpoints;
    }

    private static async Task<IResult> PageAsync(
        HttpContext context,
        IAntiforgery antiforgery,
        IModelCatalog catalog,
        CompressionOptions options,
        IModelPromotions promotions,
        FiguresSnapshot<IReadOnlyList<ModelQuality>> statistics,
        DryRuns dryRuns,
        IModelBackfillIndex backfills,
        TimeProvider time,
        string? notice,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<ModelPromotion> promoted;
        Figures<IReadOnlyList<ModelQuality>> quality;
        BackfillView backfill;
        try
        {
            promoted = await promotions.ListAsync(cancellationToken).ConfigureAwait(false);
            quality = await statistics.ReadAsync(cancellationToken).ConfigureAwait(false);
            var rules = new CompressionPolicy(options).Rules;
            var pending = new Dictionary<int, long>();
            foreach (var promotion in promoted.Where(p => p.Rule < rules.Count))
            {
                pending[promotion.Rule] = await backfills.PendingAsync(promotion.Rule, promotion.ModelId, rules[promotion.Rule].Modalities, cancellationToken).ConfigureAwait(false);
            }

            backfill = new BackfillView(await backfills.LatestAsync(cancellationToken).ConfigureAwait(false), pending, time.GetUtcNow());
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            return ConsolePage.Render(context, antiforgery, ModelsPage.Path, "Models", "<p class=\"notice error\" role=\"alert\">PostgreSQL does not answer: no figures until it does (see /health/ready).</p>", StatusCodes.Status503ServiceUnavailable);
        }

        var message = notice switch
        {
            "promoted" => "The model is promoted: the rule's next compress jobs use it.",
            "refused" => "Not promoted: the rule or the model is not one this page offers.",
            "started" => "The dry run started; this page shows its progress.",
            "busy" => "A dry run is running already: wait for it to finish.",
            "backfill-started" => "The backfill is queued: the queue's workers run it, and this page shows its progress.",
            "backfill-none" => "No backfill started: one is running, or none of the rule's instances is pending.",
            _ => null,
        };
        var body = FiguresNotice.Html(quality) + ModelsPage.Render(catalog.Cards, new CompressionPolicy(options, promoted), promoted, quality.Value, dryRuns.Last, backfill, antiforgery.GetAndStoreTokens(context), message);
        return ConsolePage.Render(context, antiforgery, ModelsPage.Path, "Models", body);
    }

    private static async Task<IResult> PromoteAsync(HttpContext context, IAntiforgery antiforgery, IModelCatalog catalog, CompressionOptions options, IModelPromotions promotions)
    {
        if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return Results.BadRequest("The form's antiforgery token is missing or wrong: reload the page.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var model = form["model"].ToString();
        var rules = new CompressionPolicy(options).Rules;
        var known = catalog.Cards.Any(card => card.Id == model && card.Dimensions == 2);
        if (!int.TryParse(form["rule"], NumberStyles.None, CultureInfo.InvariantCulture, out var rule) || rule >= rules.Count || rules[rule].Action == CompressionActionKind.Latent3D || !known)
        {
            Refused(context);
            return Results.Redirect(ModelsPage.Path + "?notice=refused");
        }

        try
        {
            var promotion = await promotions.PromoteAsync(rule, model, context.User.Identity?.Name ?? "anonymous", context.RequestAborted).ConfigureAwait(false);
            context.Audit().Detail = string.Create(CultureInfo.InvariantCulture, $"rule {promotion.Rule}: {promotion.ModelId}");
            return Results.Redirect(ModelsPage.Path + "?notice=promoted");
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // A card whose model the engine did not register (refused at start): not a model the archive can decode.
            Refused(context);
            return Results.Redirect(ModelsPage.Path + "?notice=refused");
        }
    }

    private static async Task<IResult> DryRunAsync(HttpContext context, IAntiforgery antiforgery, IModelCatalog catalog, DryRuns dryRuns)
    {
        if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return Results.BadRequest("The form's antiforgery token is missing or wrong: reload the page.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var model = form["model"].ToString();
        var scope = model.Length == 0 ? null : catalog.Cards.FirstOrDefault(card => card.Id == model && card.Dimensions == 2)?.Id;
        var sample = int.TryParse(form["sample"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 100;
        if (model.Length > 0 && scope is null)
        {
            Refused(context);
            return Results.Redirect(ModelsPage.Path + "?notice=refused");
        }

        var started = await dryRuns.StartAsync(scope, sample, context.RequestAborted).ConfigureAwait(false);
        context.Audit().Outcome = started is null ? AuditOutcome.MinorFailure : null;
        context.Audit().Detail = string.Create(CultureInfo.InvariantCulture, $"{scope ?? "policy"} over {started?.Progress.Snapshot().Total?.ToString(CultureInfo.InvariantCulture) ?? "-"}: {(started is null ? "busy" : "started")}");
        return Results.Redirect(ModelsPage.Path + (started is null ? "?notice=busy" : "?notice=started"));
    }

    /// <summary>A form this page refuses is answered with a redirect to its notice, and audited as refused (a minor failure).</summary>
    private static void Refused(HttpContext context)
    {
        var audit = context.Audit();
        audit.Outcome = AuditOutcome.MinorFailure;
        audit.Detail = "refused";
    }

    private static async Task<IResult> BackfillAsync(
        HttpContext context, IAntiforgery antiforgery, CompressionOptions options, IModelPromotions promotions, IModelBackfillIndex backfills, ILoggerFactory loggers)
    {
        if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return Results.BadRequest("The form's antiforgery token is missing or wrong: reload the page.");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var rules = new CompressionPolicy(options).Rules;
        var promoted = await promotions.ListAsync(context.RequestAborted).ConfigureAwait(false);
        var promotion = int.TryParse(form["rule"], NumberStyles.None, CultureInfo.InvariantCulture, out var rule) && rule < rules.Count
            ? promoted.FirstOrDefault(p => p.Rule == rule)
            : null;
        if (promotion is null)
        {
            // Only a promoted rule is backfilled: its model is the one the rule's compress jobs use now.
            Refused(context);
            return Results.Redirect(ModelsPage.Path + "?notice=refused");
        }

        var by = context.User.Identity?.Name ?? "anonymous";
        var started = await backfills.StartAsync(rule, promotion.ModelId, rules[rule].Modalities, options.BackfillBatchSize, by, context.RequestAborted).ConfigureAwait(false);
        var scope = string.Create(CultureInfo.InvariantCulture, $"rule {rule}: {promotion.ModelId}");
        if (started is null)
        {
            context.Audit().Detail = scope + ", none started";
            context.Audit().Outcome = AuditOutcome.MinorFailure;
            return Results.Redirect(ModelsPage.Path + "?notice=backfill-none");
        }

        context.Audit().Detail = string.Create(CultureInfo.InvariantCulture, $"{scope}, backfill {started.Id}: {started.Queued} queued");
        var logger = loggers.CreateLogger(typeof(ModelsConsoleEndpoints).FullName!);
        Log.BackfillQueued(logger, started.Id, rule, promotion.ModelId, started.Queued, by);
        return Results.Redirect(ModelsPage.Path + "?notice=backfill-started");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8054, Level = LogLevel.Information, Message = "Backfill {BackfillId} of rule {Rule} with {ModelId} queued {Count} instances (started by {StartedBy})")]
        public static partial void BackfillQueued(ILogger logger, long backfillId, int rule, string modelId, long count, string startedBy);
    }
}
