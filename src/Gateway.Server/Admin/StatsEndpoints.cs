using Gateway.Core.Jobs;
using Gateway.Core.Statistics;
using Gateway.Server.Admin.Figures;
using Npgsql;

namespace Gateway.Server.Admin;

/// <summary>
/// GET /api/stats (DESIGN.md "Interfaces"): instance count, original bytes, stored bytes and ratio, the same per
/// modality, per storage kind (ai-latent: AI latents kept beside another representation) and per model (latents),
/// instances per compress outcome, per representation (instances, bytes, ratio, PSNR distribution, least SSIM, largest
/// error), the PSNR distribution of the
/// latents (count, min, median, buckets), the database's size and the stored bytes all in, savings per day of receipt,
/// the queue depth by state (and by kind and state), its throughput, the jobs failed in the last 24 hours per kind and
/// the latest failed jobs with their reasons (permanent ones were not retried). The console's pages show the same
/// <see cref="ArchiveStatistics"/>, from their snapshot (<see cref="ArchiveFigures"/>): figuresAsOf says when they were
/// computed, figuresCurrent whether the archive has changed since. 503 while
/// PostgreSQL does not answer.
/// </summary>
public static class StatsEndpoints
{
    private static readonly string[] States = ["queued", "running", "done", "failed"];

    public static IEndpointRouteBuilder MapStats(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/api/stats", async (ArchiveFigures statistics, CancellationToken cancellationToken) =>
        {
            Figures<ArchiveStatistics> figures;
            try
            {
                figures = await statistics.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                return Results.Problem("PostgreSQL does not answer.", statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            var current = figures.Value;
            return Results.Json(new
            {
                figuresAsOf = figures.AsOf,
                figuresCurrent = figures.Current,
                instances = current.Totals.Instances,
                originalBytes = current.Totals.OriginalBytes,
                storedBytes = current.Totals.StoredBytes,
                ratio = current.Totals.Ratio,
                byModality = current.ByModality.ToDictionary(entry => entry.Key, entry => Totals(entry.Value)),
                byStorageKind = current.ByStorageKind.ToDictionary(kind => kind.Kind, kind => new
                {
                    objects = kind.Objects,
                    instances = kind.Totals.Instances,
                    originalBytes = kind.Totals.OriginalBytes,
                    storedBytes = kind.Totals.StoredBytes,
                    ratio = kind.Totals.Ratio,
                }),
                byModel = current.ByModel.ToDictionary(entry => entry.Key, entry => Totals(entry.Value)),
                compression = current.ByCompression,
                byRepresentation = current.ByRepresentation.ToDictionary(entry => entry.Representation, entry => new
                {
                    instances = entry.Totals.Instances,
                    originalBytes = entry.Totals.OriginalBytes,
                    storedBytes = entry.Totals.StoredBytes,
                    ratio = entry.Totals.Ratio,
                    psnr = Distribution(entry.Psnr),
                    minSsim = entry.MinSsim,
                    maxAbsError = entry.MaxAbsError,
                }),
                psnr = Distribution(current.Psnr),
                databaseBytes = current.DatabaseBytes,
                storedBytesWithDatabase = current.StoredBytesWithDatabase,
                savingsByDay = current.SavingsByDay.Select(day => new
                {
                    day = day.Day,
                    instances = day.Instances,
                    originalBytes = day.OriginalBytes,
                    storedBytes = day.StoredBytes,
                    savedBytes = day.SavedBytes,
                }),
                queue = new
                {
                    byState = States.ToDictionary(state => state, state => current.Jobs.Where(job => job.State == state).Sum(job => job.Count)),
                    byKind = current.Jobs.GroupBy(job => job.Kind).ToDictionary(group => group.Key, group => group.ToDictionary(job => job.State, job => job.Count)),
                    compressedLastHour = current.Activity.CompressedLastHour,
                    compressedLast24Hours = current.Activity.CompressedLast24Hours,
                    failedLast24Hours = current.Activity.FailedLast24Hours,
                    recentFailures = current.RecentFailures.Select(job => new
                    {
                        id = job.Id,
                        kind = job.Kind,
                        sopInstanceUid = job.SopInstanceUid,
                        attempts = job.Attempts,
                        permanent = job.Reason?.StartsWith(JobFailure.PermanentPrefix, StringComparison.Ordinal) == true,
                        reason = job.Reason,
                        failedAt = job.FailedAt,
                    }),
                },
            });
        });
        return endpoints;
    }

    private static object Distribution(PsnrDistribution psnr) => new
    {
        count = psnr.Count,
        min = psnr.Min,
        median = psnr.Median,
        buckets = psnr.Buckets.Select(bucket => new { label = bucket.Label, from = bucket.From, to = bucket.To, count = bucket.Count }),
    };

    private static object Totals(StorageTotals totals) => new
    {
        instances = totals.Instances,
        originalBytes = totals.OriginalBytes,
        storedBytes = totals.StoredBytes,
        ratio = totals.Ratio,
    };
}
