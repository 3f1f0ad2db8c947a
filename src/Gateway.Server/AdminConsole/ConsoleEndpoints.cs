using System.Globalization;
using Gateway.Core.Archive;
using Gateway.Core.Audit;
using Gateway.Core.Compression;
using Gateway.Core.Jobs;
using Gateway.Core.Jobs.Progress;
using Gateway.Core.Retrieve;
using Gateway.Core.Statistics;
using Gateway.Dicom;
using Gateway.Server.Admin.Figures;
using Gateway.Server.Audit.Http;
using Gateway.Server.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Npgsql;

namespace Gateway.Server.AdminConsole;

/// <summary>
/// The admin console (issue 17): server-rendered pages under /console (overview, jobs, quality, compare one instance or a sample) (a browser asking for / is sent here; API clients
/// keep /'s JSON), its stylesheet, and the jobs page's retry and cancel actions (POST forms with antiforgery tokens,
/// audited as <see cref="AuditAction.JobRetry"/> and <see cref="AuditAction.JobCancel"/>). GatewayHost maps them for
/// the admin role; a browser without a session is sent to /login and back.
/// </summary>
public static class ConsoleEndpoints
{
    public const string Root = "/console";

    public const string StylesheetPath = Root + "/console.css";

    private static readonly Lazy<string> Stylesheet = new(() =>
    {
        using var stream = typeof(ConsoleEndpoints).Assembly.GetManifestResourceStream("Gateway.Server.AdminConsole.console.css")
            ?? throw new InvalidOperationException("console.css is not embedded in the gateway's assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet(Root, OverviewAsync);
        endpoints.MapGet(Root + "/jobs", JobsAsync);
        endpoints.MapGet(Root + "/quality", QualityAsync);
        endpoints.MapGet(Root + "/compare", CompareSampleAsync);
        endpoints.MapGet(Root + "/compare/{study}/{series}/{instance}", CompareAsync);
        endpoints.MapGet(Root + "/compare/{study}/{series}/{instance}/image/{image}", CompareImageAsync);
        endpoints.MapGet(StylesheetPath, (HttpContext context) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.Text(Stylesheet.Value, "text/css; charset=utf-8");
        });
        endpoints.MapPost(Root + "/jobs/{id:long}/retry", (long id, HttpContext context, IAntiforgery antiforgery, IJobAdministration jobs) =>
            JobActionAsync(id, context, antiforgery, "retried", jobs.RetryAsync)).Audited(AuditAction.JobRetry);
        endpoints.MapPost(Root + "/jobs/{id:long}/cancel", (long id, HttpContext context, IAntiforgery antiforgery, IJobAdministration jobs) =>
            JobActionAsync(id, context, antiforgery, "cancelled", jobs.CancelAsync)).Audited(AuditAction.JobCancel);
        return endpoints;
    }

    private static async Task<IResult> OverviewAsync(
        HttpContext context, IAntiforgery antiforgery, ArchiveFigures statistics, GatewayReadiness readiness, ILatentEngine engine, CancellationToken cancellationToken)
    {
        var stats = await ReadAsync(statistics, cancellationToken).ConfigureAwait(false);
        return stats is null
            ? Unavailable(context, antiforgery, Root, "Overview")
            : ConsolePage.Render(context, antiforgery, Root, "Overview", FiguresNotice.Html(stats) + OverviewPage.Render(stats.Value, readiness.Current, engine.Models));
    }

    private static async Task<IResult> JobsAsync(
        HttpContext context, IAntiforgery antiforgery, ArchiveFigures statistics, IJobAdministration jobs, IOperationalGauges gauges, QueueDrain drain, string? notice, long? job, CancellationToken cancellationToken)
    {
        var stats = await ReadAsync(statistics, cancellationToken).ConfigureAwait(false);
        if (stats is null)
        {
            return Unavailable(context, antiforgery, Root + "/jobs", "Jobs");
        }

        var drains = drain.Read(await gauges.ReadQueueAsync(cancellationToken).ConfigureAwait(false));
        var listed = await jobs.ListAsync(JobsPage.MaxListed, cancellationToken).ConfigureAwait(false);
        var id = job?.ToString(CultureInfo.InvariantCulture) ?? "?";
        var message = notice switch
        {
            "retried" => $"Job {id} is queued again.",
            "cancelled" => $"Job {id} is cancelled.",
            "unchanged" => $"Job {id} was left as it was: only a failed job can be retried, only a queued or failed one cancelled.",
            _ => null,
        };
        return ConsolePage.Render(context, antiforgery, Root + "/jobs", "Jobs", FiguresNotice.Html(stats) + JobsPage.Render(stats.Value, drains, listed, antiforgery.GetAndStoreTokens(context), message));
    }

    private static async Task<IResult> QualityAsync(HttpContext context, IAntiforgery antiforgery, FiguresSnapshot<QualityReport> quality, CancellationToken cancellationToken)
    {
        Figures<QualityReport> report;
        try
        {
            report = await quality.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            return Unavailable(context, antiforgery, Root + "/quality", "Quality");
        }

        return ConsolePage.Render(context, antiforgery, Root + "/quality", "Quality", FiguresNotice.Html(report) + QualityPage.Render(report.Value));
    }

    /// <summary>The compare page of an instance.</summary>
    public static string ComparePath(string study, string series, string instance) =>
        $"{Root}/compare/{Uri.EscapeDataString(study)}/{Uri.EscapeDataString(series)}/{Uri.EscapeDataString(instance)}";

    private static async Task<IResult> CompareAsync(
        string study, string series, string instance, string? preset, HttpContext context, IAntiforgery antiforgery, RetrieveService archive, IQualityStatistics quality, CancellationToken cancellationToken)
    {
        var path = ComparePath(study, series, instance);
        var found = await archive.FindAsync(study, series, instance, cancellationToken).ConfigureAwait(false);
        var measured = found is null ? null : await quality.FindAsync(instance, cancellationToken).ConfigureAwait(false);
        if (found is null || measured is null)
        {
            return ConsolePage.Render(context, antiforgery, path, "Compare", "<p class=\"notice error\" role=\"alert\">The archive has no such instance.</p>", StatusCodes.Status404NotFound);
        }

        var kept = found.Objects.Any(stored => stored.Kind == StorageKind.Original);
        return ConsolePage.Render(
            context, antiforgery, path, $"Compare {measured.Modality} {instance}", ComparePage.Render(path, measured, measured.Modality, WindowPresets.Find(measured.Modality, preset), kept));
    }

    private static async Task<IResult> CompareSampleAsync(HttpContext context, IAntiforgery antiforgery, IQualityStatistics quality, CancellationToken cancellationToken)
    {
        var path = Root + "/compare" + context.Request.QueryString;
        var (sample, preset, error) = CompareSampleQuery.Parse(context.Request.Query);
        if (sample is null)
        {
            return ConsolePage.Render(context, antiforgery, path, "Compare a sample", $"<p class=\"notice error\" role=\"alert\">{ConsoleHtml.Encode(error)}</p>", StatusCodes.Status400BadRequest);
        }

        IReadOnlyList<MeasuredInstance> sampled;
        try
        {
            sampled = await quality.SampleAsync(sample, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            return Unavailable(context, antiforgery, path, "Compare a sample");
        }

        return ConsolePage.Render(context, antiforgery, path, "Compare a sample", CompareSamplePage.Render(sample, preset, sampled));
    }

    private static async Task<IResult> CompareImageAsync(string study, string series, string instance, string image, string? preset, RetrieveService archive, CancellationToken cancellationToken)
    {
        if (image is not ("original" or "reconstruction" or "difference"))
        {
            return Results.NotFound("The images are original, reconstruction and difference.");
        }

        var found = await archive.FindAsync(study, series, instance, cancellationToken).ConfigureAwait(false);
        var pair = found is null ? null : await CompareImages.LoadAsync(archive, found, cancellationToken).ConfigureAwait(false);
        if (pair is null)
        {
            return Results.NotFound("No such instance, or its original is no longer kept.");
        }

        var window = WindowPresets.Find(pair.Original.Dataset.GetString(DicomTags.Modality), preset).Window;
        try
        {
            var png = image switch
            {
                "original" => CompareImages.Render(pair.Original, window),
                "reconstruction" => CompareImages.Render(pair.Reconstruction, window),
                _ => CompareImages.Difference(pair, window),
            };
            return Results.File(png, "image/png");
        }
        catch (DicomException exception)
        {
            return Results.Text($"{instance} cannot be compared: {exception.Message}", statusCode: StatusCodes.Status422UnprocessableEntity);
        }
    }

    private static async Task<IResult> JobActionAsync(long id, HttpContext context, IAntiforgery antiforgery, string done, Func<long, CancellationToken, Task<bool>> act)
    {
        if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
        {
            return Results.BadRequest("The form's antiforgery token is missing or wrong: reload the page.");
        }

        var changed = await act(id, context.RequestAborted).ConfigureAwait(false);
        var outcome = changed ? done : "unchanged";
        context.Audit().Outcome = changed ? null : AuditOutcome.MinorFailure;
        context.Audit().Detail = string.Create(CultureInfo.InvariantCulture, $"job {id}: {outcome}");
        return Results.Redirect(string.Create(CultureInfo.InvariantCulture, $"{Root}/jobs?notice={outcome}&job={id}"));
    }

    private static async Task<Figures<ArchiveStatistics>?> ReadAsync(ArchiveFigures statistics, CancellationToken cancellationToken)
    {
        try
        {
            return await statistics.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            return null;
        }
    }

    private static IResult Unavailable(HttpContext context, IAntiforgery antiforgery, string path, string title) =>
        ConsolePage.Render(context, antiforgery, path, title, "<p class=\"notice error\" role=\"alert\">PostgreSQL does not answer: no figures until it does (see /health/ready).</p>", StatusCodes.Status503ServiceUnavailable);
}
