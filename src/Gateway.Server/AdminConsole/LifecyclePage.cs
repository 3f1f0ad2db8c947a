using System.Globalization;
using Gateway.Core.Compression;
using Gateway.Core.Jobs.Progress;
using Gateway.Core.Lifecycle;
using Microsoft.AspNetCore.Antiforgery;
using static Gateway.Server.AdminConsole.ConsoleHtml;

namespace Gateway.Server.AdminConsole;

/// <summary>
/// The console's lifecycle page (docs/decisions/lifecycle.md): each rule (oldest age first, the order they decide in)
/// with what it would move next (count, bytes, the first instances, each linked to its compare page) and what it has
/// moved (moves, unchanged, bytes before and after, last move); the latest batch with its progress (count, rate,
/// time left) while it runs; and a button that queues a batch now (a POST form, audited as lifecycle-run).
/// </summary>
internal static class LifecyclePage
{
    public const int SampleSize = 10;

    public static string Render(LifecycleRules rules, LifecycleOptions options, IReadOnlyList<LifecycleRuleReport> reports, LifecycleBatch? batch, DateTimeOffset now, AntiforgeryTokenSet tokens, string? notice)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(reports);
        var message = notice is null ? string.Empty : $"<p class=\"notice\" role=\"status\">{Encode(notice)}</p>";
        var schedule = options.Enabled
            ? $"A batch of at most {Count(options.BatchSize)} instances is queued every {Number(options.IntervalSeconds, "0.#")} s while none runs."
            : "Scheduled batches are off (Gateway:Lifecycle:Enabled); a batch runs only when queued here.";
        var run = $"<form method=\"post\" action=\"{ConsoleEndpoints.Root}/lifecycle/run\">{ConsolePage.Token(tokens)}<button type=\"submit\" data-action=\"lifecycle-run\">Run a batch now</button></form>";
        var table = Table(
            "Rules (oldest age first: an instance goes by the oldest rule whose age it has reached)",
            ["Rule", "Age", "Modalities", "Representations", "Target", "Pending", "Pending bytes", "Moved", "Unchanged", "Bytes before", "Bytes after", "Saved", "Last move"],
            rules.Oldest.Zip(reports).Select(pair => Row(pair.First, pair.Second)),
            "lifecycle-rules");
        var samples = string.Concat(reports.Select(Sample));
        return message + BatchSection(batch, now) + $"<p class=\"note\">{Encode(schedule)}</p>" + run + table + samples +
            "<p class=\"note\">A move re-encodes from the original or the lossless copy through the compress job's choice and checks; the old objects are deleted only after the new one is verified and recorded. " +
            "Unchanged: nothing cheaper met the rule's target, or no lossless source is kept.</p>";
    }

    private static string BatchSection(LifecycleBatch? batch, DateTimeOffset now)
    {
        if (batch is null)
        {
            return "<section class=\"cards\" id=\"lifecycle-batch\">" + Card("Batches", "<span data-figure=\"batch.state\" data-value=\"none\">none yet</span>") + "</section>";
        }

        var progress = new ProgressSnapshot(batch.Done, batch.Queued, (batch.FinishedAt ?? now) - batch.StartedAt);
        var state = batch.FinishedAt is null ? "running" : "finished";
        var id = batch.Id.ToString(CultureInfo.InvariantCulture);
        var remaining = batch.FinishedAt is not null ? "-" : progress.PerSecond is not null && progress.Eta is { } left ? Duration(left) : "unknown until one is done";
        return
            "<section class=\"cards\" id=\"lifecycle-batch\">" +
            Card($"Batch {id}", $"<span data-figure=\"batch.state\" data-value=\"{state}\">{state}</span>", $"started {Time(batch.StartedAt)} by {batch.StartedBy}" + (batch.FinishedAt is { } end ? $", finished {Time(end)}" : string.Empty)) +
            Card("Done", CountFigure("batch.done", batch.Done) + " / " + CountFigure("batch.queued", batch.Queued), null) +
            Card("Rate", Figure("batch.rate", progress.PerSecond ?? 0, Number(progress.PerSecond ?? 0, "0.00") + " /s")) +
            Card("Time left", Encode(remaining)) +
            "</section>" +
            $"<progress id=\"lifecycle-progress\" max=\"{Math.Max(batch.Queued, 1).ToString(CultureInfo.InvariantCulture)}\" value=\"{batch.Done.ToString(CultureInfo.InvariantCulture)}\">{Count(batch.Done)} of {Count(batch.Queued)}</progress>";
    }

    private static IReadOnlyList<string> Row(LifecycleRule rule, LifecycleRuleReport report)
    {
        var name = report.Rule;
        var target = new QualityTarget(rule.MinPsnr, rule.MinSsim, rule.MaxAbsError, null).ToString();
        return
        [
            Encode(name),
            Encode($"{Number(rule.AgeDays, "0.##")} days by {(rule.AgeBasis == LifecycleAgeBasis.StudyDate ? "study date" : "receive date")}"),
            Encode(rule.Modalities.Count == 0 ? "any" : string.Join(", ", rule.Modalities)),
            Encode(string.Join(", ", rule.Representations.Select(representation => representation.Name()))),
            Encode(target.Length == 0 ? "compression defaults" : target),
            CountFigure($"rule.{name}.pending", report.PendingCount),
            BytesFigure($"rule.{name}.pendingBytes", report.PendingBytes),
            CountFigure($"rule.{name}.moved", report.Moved),
            CountFigure($"rule.{name}.unchanged", report.Unchanged),
            BytesFigure($"rule.{name}.bytesBefore", report.BytesBefore),
            BytesFigure($"rule.{name}.bytesAfter", report.BytesAfter),
            BytesFigure($"rule.{name}.bytesSaved", report.BytesSaved),
            Encode(Time(report.LastMoved)),
        ];
    }

    private static string Sample(LifecycleRuleReport report) =>
        Table(
            $"{report.Rule}: next to move (the first {SampleSize.ToString(CultureInfo.InvariantCulture)} of {Count(report.PendingCount)})",
            ["Instance", "Modality", "Now", "Bytes"],
            report.Sample.Select(pending => (IReadOnlyList<string>)
            [
                $"<a class=\"uid\" data-instance=\"{Encode(pending.SopInstanceUid)}\" data-rule=\"{Encode(report.Rule)}\" href=\"{Encode(ConsoleEndpoints.ComparePath(pending.StudyInstanceUid, pending.SeriesInstanceUid, pending.SopInstanceUid))}\">{Encode(pending.SopInstanceUid)}</a>",
                Encode(pending.Modality ?? "-"),
                Encode(pending.Representation),
                Encode(Bytes(pending.Bytes)),
            ]));

    private static string Duration(TimeSpan span) =>
        span.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes} min") : string.Create(CultureInfo.InvariantCulture, $"{span.Minutes} min {span.Seconds} s");
}
