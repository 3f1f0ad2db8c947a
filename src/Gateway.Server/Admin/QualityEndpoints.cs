using Gateway.Core.Statistics;
using Npgsql;

namespace Gateway.Server.Admin;

/// <summary>
/// GET /api/quality: the quality measured on the stored bytes of compressed instances per modality, representation and
/// model (count, worst and median PSNR, least SSIM, largest absolute error, a histogram of each), the quality gate's
/// pass rate per modality, and the worst lossy instances, from their snapshot (figuresAsOf: when computed,
/// figuresCurrent: whether the archive is unchanged since). The console's quality page shows the same report. 503 while
/// PostgreSQL does not answer.
/// </summary>
public static class QualityEndpoints
{
    public static IEndpointRouteBuilder MapQuality(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/api/quality", async (FiguresSnapshot<QualityReport> quality, CancellationToken cancellationToken) =>
        {
            Figures<QualityReport> figures;
            try
            {
                figures = await quality.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                return Results.Problem("PostgreSQL does not answer.", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            var report = figures.Value;
            return Results.Json(new
            {
                figuresAsOf = figures.AsOf,
                figuresCurrent = figures.Current,
                groups = report.Groups.Select(group => new
                {
                    key = group.Key,
                    modality = group.Modality,
                    representation = group.Representation,
                    model = group.Model,
                    instances = group.Instances,
                    minPsnr = group.MinPsnr,
                    medianPsnr = group.MedianPsnr,
                    minSsim = group.MinSsim,
                    maxAbsError = group.MaxAbsError,
                    psnr = Buckets(group.Psnr),
                    ssim = Buckets(group.Ssim),
                    absError = Buckets(group.AbsError),
                }),
                gate = report.Gate.ToDictionary(
                    gate => gate.Modality.Length == 0 ? "all" : gate.Modality,
                    gate => new { tried = gate.Tried, passed = gate.Passed, rate = gate.Rate }),
                worst = report.Worst,
            });
        });
        return endpoints;
    }

    private static IEnumerable<object> Buckets(IReadOnlyList<HistogramBucket> buckets) =>
        buckets.Select(bucket => new { label = bucket.Label, from = bucket.From, to = bucket.To, count = bucket.Count });
}
