using System.Globalization;
using Gateway.Core.Compression;
using Gateway.Core.Statistics;
using Gateway.Server.Models;
using Microsoft.AspNetCore.Antiforgery;
using static Gateway.Server.AdminConsole.ConsoleHtml;

namespace Gateway.Server.AdminConsole;

/// <summary>
/// The console's models page: the registry (each model's card), the rules with the model each uses (configured or
/// promoted, with who and when) and a promote form, the quality each model measured on this archive per modality
/// (<see cref="ModelQuality"/>), backfills with a promoted model (<see cref="BackfillSection"/>), and the dry run: a form
/// to start one, its progress while it runs (the page reloads itself every 2 s by a meta refresh while a dry run or a
/// backfill runs, no script) and what it projects once done.
/// </summary>
internal static class ModelsPage
{
    public const string Path = ConsoleEndpoints.Root + "/models";

    public static string Render(
        IReadOnlyList<ModelCard> cards,
        CompressionPolicy policy,
        IReadOnlyList<ModelPromotion> promotions,
        IReadOnlyList<ModelQuality> quality,
        DryRunState? dryRun,
        BackfillView backfill,
        AntiforgeryTokenSet tokens,
        string? notice)
    {
        ArgumentNullException.ThrowIfNull(backfill);
        ArgumentNullException.ThrowIfNull(cards);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(promotions);
        ArgumentNullException.ThrowIfNull(quality);
        var frameModels = cards.Where(card => card.Dimensions == 2).Select(card => card.Id).ToList();
        var message = notice is null ? string.Empty : $"<p class=\"notice\" role=\"status\">{Encode(notice)}</p>";
        var registry = Table(
            "Registry (the model cards in onnx-models/)",
            ["Model", "Kind", "Factor", "Latent channels", "Size (ONNX files)", "Card PSNR (dB)"],
            cards.Select(card => (IReadOnlyList<string>)
            [
                $"<span data-model=\"{Encode(card.Id)}\">{Encode(card.Id)}</span>",
                Encode(card.Dimensions == 3 ? "3D" : "2D"),
                Figure($"card.{card.Id}.factor", card.Factor, $"f={card.Factor.ToString(CultureInfo.InvariantCulture)}"),
                CountFigure($"card.{card.Id}.channels", card.LatentChannels),
                BytesFigure($"card.{card.Id}.bytes", card.Bytes),
                Figure($"card.{card.Id}.psnr", card.CardPsnr, Number(card.CardPsnr, "0.00")),
            ]),
            "registry");
        var rules = Table(
            "Rules (Gateway:Compression:Rules, first match wins) and the model each uses",
            ["Rule", "Modalities", "Action", "Model in force", "Configured", "Promoted", "Promote", "Backfill"],
            policy.Rules.Select((rule, index) => RuleRow(rule, index, policy, promotions, frameModels, backfill, tokens)),
            "rules");
        var measured = Table(
            "Measured on this archive (quality rows of the compress jobs; PSNR on the stored bytes' decode)",
            ["Model", "Modality", "Served from it", "Median PSNR (dB)", "P5 PSNR (dB)", "Latent tried", "Qualified", "Pass rate"],
            quality.Select(row => (IReadOnlyList<string>)
            [
                Encode(row.Model),
                Encode(row.Modality),
                CountFigure($"quality.{row.Model}.{row.Modality}.instances", row.Instances),
                Figure($"quality.{row.Model}.{row.Modality}.medianPsnr", row.MedianPsnr, Number(row.MedianPsnr, "0.00")),
                Figure($"quality.{row.Model}.{row.Modality}.p5Psnr", row.P5Psnr, Number(row.P5Psnr, "0.00")),
                CountFigure($"quality.{row.Model}.{row.Modality}.tried", row.Tried),
                CountFigure($"quality.{row.Model}.{row.Modality}.passed", row.Passed),
                Figure($"quality.{row.Model}.{row.Modality}.passRate", row.PassRate, row.PassRate is { } rate ? (rate * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "-"),
            ]),
            "measured");
        // One refresh for the page while a dry run or a backfill runs (the page reloads itself, no script).
        var refresh = dryRun?.State == "running" || backfill.Running ? "<meta http-equiv=\"refresh\" content=\"2\">" : string.Empty;
        return refresh + message + "<h2>Registry</h2>" + registry + "<h2>Rules</h2>" + rules +
            "<p class=\"note\">A promotion overrides the rule's model from the next compress job on (the configuration stays the default); it is audited. " +
            "A Latent3D rule's series job keeps its configured 3D model.</p>" +
            "<h2>Backfill</h2>" + BackfillSection.Render(backfill) +
            "<h2>Quality per model and modality</h2>" + measured +
            "<h2>Dry run</h2>" + DryRunForm(frameModels, tokens) + DryRunSection(dryRun);
    }

    private static IReadOnlyList<string> RuleRow(
        CompressionRule rule, int index, CompressionPolicy policy, IReadOnlyList<ModelPromotion> promotions, List<string> models, BackfillView backfill, AntiforgeryTokenSet tokens)
    {
        var id = index.ToString(CultureInfo.InvariantCulture);
        var promotion = promotions.FirstOrDefault(p => p.Rule == index);
        var options = string.Concat(models.Select(model => $"<option value=\"{Encode(model)}\">{Encode(model)}</option>"));
        var form = rule.Action == CompressionActionKind.Latent3D || models.Count == 0
            ? "-"
            : $"<form method=\"post\" action=\"{Path}/promote\">{ConsolePage.Token(tokens)}<input type=\"hidden\" name=\"rule\" value=\"{id}\">" +
              $"<select name=\"model\" data-promote-model=\"{id}\" aria-label=\"model for rule {id}\">{options}</select>" +
              $"<button type=\"submit\" data-action=\"promote\" value=\"{id}\">Promote</button></form>";
        return
        [
            id,
            Encode(rule.Modalities.Count == 0 ? "any" : string.Join(", ", rule.Modalities)),
            Encode(rule.Action?.ToString() ?? (rule.Representations.Count > 0 ? "Latent" : "Lossless")),
            $"<span data-rule-model=\"{id}\">{Encode(policy.ModelOf(index))}</span>",
            Encode(rule.Model ?? "(default)"),
            promotion is null ? "-" : $"<span data-promoted=\"{id}\">{Encode(promotion.ModelId)} by {Encode(promotion.PromotedBy)}, {Encode(Time(promotion.PromotedAt))}</span>",
            form,
            BackfillSection.RuleCell(index, promotion, backfill, tokens),
        ];
    }

    private static string DryRunForm(List<string> models, AntiforgeryTokenSet tokens) =>
        $"<form method=\"post\" action=\"{Path}/dry-run\" class=\"dry-run\">{ConsolePage.Token(tokens)}" +
        "<label>Evaluate <select name=\"model\" id=\"dry-run-model\"><option value=\"\">the policy in force</option>" +
        string.Concat(models.Select(model => $"<option value=\"{Encode(model)}\">{Encode(model)} for every rule</option>")) + "</select></label> " +
        $"<label>over <input type=\"number\" name=\"sample\" id=\"dry-run-sample\" min=\"1\" max=\"{DryRuns.MaxSample.ToString(CultureInfo.InvariantCulture)}\" value=\"100\"> instances</label> " +
        "<button type=\"submit\" data-action=\"dry-run\">Start dry run</button></form>" +
        "<p class=\"note\">Compressed instances whose original or lossless copy is still kept, as the compress job would choose for them now; nothing is written.</p>";

    private static string DryRunSection(DryRunState? run)
    {
        if (run is null)
        {
            return "<p class=\"note\" data-dry-run-state=\"none\">No dry run since the gateway started.</p>";
        }

        var progress = run.Progress.Snapshot();
        var status =
            $"<section class=\"cards\" id=\"dry-run\" data-dry-run-state=\"{Encode(run.State)}\">" +
            Card("Dry run", Encode($"{run.ModelId ?? "policy in force"}: {run.State}")) +
            Card("Done", CountFigure("dryRun.done", progress.Done) + " / " + CountFigure("dryRun.total", progress.Total ?? 0)) +
            Card("Rate", Figure("dryRun.rate", progress.PerSecond, Number(progress.PerSecond, "0.00") + " /s")) +
            Card("ETA", Figure("dryRun.etaSeconds", progress.Eta?.TotalSeconds, progress.Eta is { } eta ? eta.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s" : "-")) +
            "</section>";
        if (run.Error is { } error)
        {
            return status + $"<p class=\"notice error\" role=\"alert\">{Encode(error)}</p>";
        }

        if (run.Results is not { } results)
        {
            return status;
        }

        var summary = new DryRunSummary(results);
        return status +
            "<section class=\"cards\" id=\"dry-run-summary\">" +
            Card("Instances", CountFigure("dryRun.instances", results.Count)) +
            Card("Stored now", BytesFigure("dryRun.currentBytes", summary.CurrentBytes)) +
            Card("Projected", BytesFigure("dryRun.projectedBytes", summary.ProjectedBytes)) +
            Card("Projected ratio", RatioFigure("dryRun.ratio", summary.Ratio), "received pixel bytes / projected bytes") +
            Card("Median PSNR (lossy)", Figure("dryRun.medianPsnr", summary.MedianPsnr, Number(summary.MedianPsnr, "0.00") + " dB")) +
            "</section>" +
            Table(
                "Projected representations",
                ["Representation", "Instances", "Bytes"],
                summary.ByRepresentation.Select(group => (IReadOnlyList<string>)
                [
                    Encode(group.Representation),
                    CountFigure($"dryRun.{group.Representation}.instances", group.Instances),
                    BytesFigure($"dryRun.{group.Representation}.bytes", group.Bytes),
                ]),
                "dry-run-representations") +
            Table(
                "Projected PSNR of the lossy choices (dB)",
                ["PSNR", "Instances"],
                summary.PsnrHistogram.Select(bucket => (IReadOnlyList<string>) [Encode(bucket.Label), CountFigure($"dryRun.psnr.{bucket.Label}", bucket.Count)]),
                "dry-run-psnr") +
            Table(
                "Instances",
                ["Instance", "Modality", "Model", "Stored now", "Bytes now", "Projected", "Projected bytes", "PSNR (dB)"],
                results.Select(row => (IReadOnlyList<string>)
                [
                    $"<span class=\"uid\" data-dry-run-instance=\"{Encode(row.SopInstanceUid)}\">{Encode(row.SopInstanceUid)}</span>",
                    Encode(row.Modality),
                    Encode(row.Model ?? "-"),
                    Encode(row.Current),
                    Bytes(row.CurrentBytes),
                    Encode(row.Projected),
                    Bytes(row.ProjectedBytes),
                    Number(row.Psnr, "0.00"),
                ]),
                "dry-run-instances");
    }
}
