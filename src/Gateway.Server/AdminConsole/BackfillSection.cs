using System.Globalization;
using Gateway.Core.Backfill;
using Gateway.Core.Compression;
using Gateway.Core.Jobs.Progress;
using Microsoft.AspNetCore.Antiforgery;
using static Gateway.Server.AdminConsole.ConsoleHtml;

namespace Gateway.Server.AdminConsole;

/// <summary>What the models page shows of backfills: the latest (null: none yet), how many instances each promoted rule has pending, and now.</summary>
internal sealed record BackfillView(ModelBackfill? Latest, IReadOnlyDictionary<int, long> Pending, DateTimeOffset Now)
{
    public bool Running => Latest is { FinishedAt: null };
}

/// <summary>
/// The models page's backfill parts: the button in a promoted rule's row (with the instances it would queue) and the
/// latest backfill with its progress (count, rate and time left from its <see cref="ProgressSnapshot"/>),
/// what it replaced and left unchanged, and the bytes saved.
/// </summary>
internal static class BackfillSection
{
    public static string RuleCell(int rule, ModelPromotion? promotion, BackfillView view, AntiforgeryTokenSet tokens)
    {
        if (promotion is null)
        {
            return "-";
        }

        var id = rule.ToString(CultureInfo.InvariantCulture);
        var pending = view.Pending.GetValueOrDefault(rule);
        return $"<form method=\"post\" action=\"{ModelsPage.Path}/backfill\">{ConsolePage.Token(tokens)}<input type=\"hidden\" name=\"rule\" value=\"{id}\">" +
            $"<button type=\"submit\" data-action=\"backfill\" value=\"{id}\"{(pending == 0 || view.Running ? " disabled" : string.Empty)}>Backfill with {Encode(promotion.ModelId)}</button> " +
            CountFigure($"backfill.pending.{id}", pending) + " pending</form>";
    }

    public static string Render(BackfillView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        const string Note =
            "<p class=\"note\">A backfill stores a promoted rule's instances whose original or lossless copy is still kept again with the rule's model, " +
            "as the compress job would (decoded from the stored bytes, checked against the rule's target), and replaces what they have only where the new " +
            "representation takes fewer bytes; everything else stays as it is. At most Gateway:Compression:BackfillBatchSize instances per backfill; start it again for the next ones.</p>";
        if (view.Latest is not { } backfill)
        {
            return Note + "<section class=\"cards\" id=\"backfill\">" + Card("Backfill", "<span data-figure=\"backfill.state\" data-value=\"none\">none yet</span>") + "</section>";
        }

        var progress = backfill.Progress(view.Now);
        var state = backfill.FinishedAt is null ? "running" : "finished";
        var remaining = backfill.FinishedAt is not null ? "-" : progress.PerSecond is not null && progress.Eta is { } left ? ProgressSnapshot.FormatDuration(left) : "unknown until one is done";
        return Note +
            $"<section class=\"cards\" id=\"backfill\" data-backfill-state=\"{state}\">" +
            Card(
                string.Create(CultureInfo.InvariantCulture, $"Backfill {backfill.Id}"),
                $"<span data-figure=\"backfill.state\" data-value=\"{state}\">{state}</span>",
                string.Create(CultureInfo.InvariantCulture, $"rule {backfill.Rule} with {backfill.ModelId}, started {Time(backfill.StartedAt)} by {backfill.StartedBy}") +
                (backfill.FinishedAt is { } end ? $", finished {Time(end)}" : string.Empty)) +
            Card("Done", CountFigure("backfill.done", backfill.Done) + " / " + CountFigure("backfill.queued", backfill.Queued)) +
            Card("Replaced", CountFigure("backfill.replaced", backfill.Replaced), "smaller and meeting the target") +
            Card("Unchanged", CountFigure("backfill.unchanged", backfill.Unchanged)) +
            Card("Saved", BytesFigure("backfill.bytesSaved", backfill.BytesSaved), $"{Bytes(backfill.BytesBefore)} before, {Bytes(backfill.BytesAfter)} after") +
            Card("Rate", Figure("backfill.rate", progress.PerSecond ?? 0, Number(progress.PerSecond ?? 0, "0.00") + " /s")) +
            Card("Time left", Figure("backfill.etaSeconds", progress.Eta?.TotalSeconds, remaining)) +
            "</section>" +
            $"<progress id=\"backfill-progress\" max=\"{Math.Max(backfill.Queued, 1).ToString(CultureInfo.InvariantCulture)}\" value=\"{backfill.Done.ToString(CultureInfo.InvariantCulture)}\">{Count(backfill.Done)} of {Count(backfill.Queued)}</progress>";
    }
}
