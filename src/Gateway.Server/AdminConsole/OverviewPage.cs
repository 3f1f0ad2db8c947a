using Gateway.Core.Compression;
using Gateway.Core.Statistics;
using Gateway.Server.Hosting;
using static Gateway.Server.AdminConsole.ConsoleHtml;

namespace Gateway.Server.AdminConsole;

/// <summary>
/// The console's overview: what the archive holds and what compression saved (totals, per modality, per
/// representation and storage kind, savings per day of receipt), the queue's depth and throughput, the failures of the
/// last 24 hours, and the health of PostgreSQL, the object store and the models. Every figure is one of
/// <see cref="ArchiveStatistics"/>, which /api/stats answers.
/// </summary>
internal static class OverviewPage
{
    public static string Render(ArchiveStatistics stats, ReadinessReport readiness, IReadOnlyList<LatentModelInfo> models)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var totals = stats.Totals;
        var allInRatio = stats.StoredBytesWithDatabase == 0 ? 0 : (double)totals.OriginalBytes / stats.StoredBytesWithDatabase;
        return
            "<section class=\"cards\" id=\"totals\">" +
            Card("Instances", CountFigure("instances", totals.Instances)) +
            Card("Received (pixel bytes)", BytesFigure("originalBytes", totals.OriginalBytes)) +
            Card("Stored objects", BytesFigure("storedBytes", totals.StoredBytes)) +
            Card("Index database", BytesFigure("databaseBytes", stats.DatabaseBytes)) +
            Card("Stored, all in", BytesFigure("storedBytesWithDatabase", stats.StoredBytesWithDatabase), "objects + database") +
            Card("Ratio", RatioFigure("ratio", totals.Ratio), "received / stored objects") +
            Card("Ratio, all in", RatioFigure("ratioWithDatabase", allInRatio), "received / (objects + database)") +
            "</section>" +
            Health(readiness, models) +
            "<h2>Savings per day of receipt</h2>" + Savings(stats.SavingsByDay) +
            "<div class=\"columns\">" +
            Table(
                "Per modality",
                ["Modality", "Instances", "Received", "Stored", "Ratio"],
                stats.ByModality.Select(entry => Row("byModality." + entry.Key, entry.Key, entry.Value)),
                "by-modality") +
            Table(
                "Per representation (compressed instances)",
                ["Representation", "Instances", "Received", "Stored", "Ratio"],
                stats.ByRepresentation.Select(entry => Row("byRepresentation." + entry.Representation, entry.Representation, entry.Totals)),
                "by-representation") +
            Table(
                "Per storage kind (objects)",
                ["Kind", "Objects", "Instances", "Received", "Stored", "Ratio"],
                stats.ByStorageKind.Select(kind => (IReadOnlyList<string>)
                [
                    Encode(kind.Kind), CountFigure($"byStorageKind.{kind.Kind}.objects", kind.Objects), .. Row("byStorageKind." + kind.Kind, kind.Kind, kind.Totals).Skip(1),
                ]),
                "by-storage-kind") +
            Table(
                "Compress outcomes",
                ["Outcome", "Instances"],
                stats.ByCompression.Select(entry => (IReadOnlyList<string>)[Encode(entry.Key), CountFigure("compression." + entry.Key, entry.Value)]),
                "by-compression") +
            "</div>" +
            Queue(stats);
    }

    private static IReadOnlyList<string> Row(string name, string label, StorageTotals totals) =>
    [
        Encode(label),
        CountFigure(name + ".instances", totals.Instances),
        BytesFigure(name + ".originalBytes", totals.OriginalBytes),
        BytesFigure(name + ".storedBytes", totals.StoredBytes),
        RatioFigure(name + ".ratio", totals.Ratio),
    ];

    private static string Savings(IReadOnlyList<DailySavings> days) =>
        BarChart.Render(
            "savings-per-day",
            $"Bytes saved per day of receipt, last {ArchiveStatistics.SavingsDays} days (received pixel bytes minus the bytes stored for them now)",
            [.. days.Select(day => new Bar(day.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), day.SavedBytes, $"{Bytes(day.SavedBytes)} saved, {Count(day.Instances)} instances"))],
            value => Bytes((long)value));

    private static string Queue(ArchiveStatistics stats)
    {
        string State(string state) => CountFigure("queue.byState." + state, stats.Jobs.Where(job => job.State == state).Sum(job => job.Count));
        var failed = stats.Activity.FailedLast24Hours;
        return
            "<h2>Queue</h2><section class=\"cards\" id=\"queue\">" +
            Card("Queued", State("queued")) +
            Card("Running", State("running")) +
            Card("Failed", State("failed")) +
            Card("Done", State("done")) +
            Card("Compressed, last hour", CountFigure("queue.compressedLastHour", stats.Activity.CompressedLastHour)) +
            Card("Compressed, last 24 h", CountFigure("queue.compressedLast24Hours", stats.Activity.CompressedLast24Hours)) +
            Card("Failed, last 24 h", CountFigure("queue.failedLast24Hours", failed.Values.Sum()), failed.Count == 0 ? null : string.Join(", ", failed.Select(kind => $"{kind.Key} {kind.Value}"))) +
            "</section><p><a href=\"" + ConsoleEndpoints.Root + "/jobs\">Jobs: reasons, retry and cancel</a></p>";
    }

    private static string Health(ReadinessReport readiness, IReadOnlyList<LatentModelInfo> models)
    {
        string Status(string key, string good)
        {
            var problem = readiness.Problems.FirstOrDefault(problem => problem.Key == key);
            return problem is null
                ? $"<span class=\"ok\" data-health=\"{key}\" data-value=\"ok\">OK</span> {Encode(good)}"
                : $"<span class=\"problem\" data-health=\"{key}\" data-value=\"problem\">Problem</span> {Encode(problem.Reason)}";
        }

        var loaded = models.Count == 0 ? "no latent model loaded" : string.Join(", ", models.Select(model => $"{model.Id} (f{model.Factor}, C{model.LatentChannels})"));
        return Table(
            "Health",
            ["Part", "Status"],
            [
                ["PostgreSQL", Status("database", "answers")],
                ["Object store (data disk)", Status("disk", "has room")],
                ["Models", Status("models", loaded)],
            ],
            "health");
    }
}
