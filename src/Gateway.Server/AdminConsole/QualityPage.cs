using Gateway.Core.Statistics;
using static Gateway.Server.AdminConsole.ConsoleHtml;

namespace Gateway.Server.AdminConsole;

/// <summary>
/// The console's quality page: the gate's pass rate (per modality), the quality measured on the stored bytes per
/// modality, representation and model (PSNR, SSIM and largest absolute error, each as a histogram), and the worst lossy
/// instances, each linked to its compare page; each group links to a sampled compare view of its instances. The figures are those of <see cref="QualityReport"/>, which /api/quality answers.
/// </summary>
internal static class QualityPage
{
    public static string Render(QualityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var all = report.Gate.FirstOrDefault(gate => gate.Modality.Length == 0) ?? new GatePassRate(string.Empty, 0, 0);
        return
            "<section class=\"cards\" id=\"gate\">" +
            Card("Lossy tried", CountFigure("gate.all.tried", all.Tried), "instances whose job tried a lossy representation") +
            Card("Met the target", CountFigure("gate.all.passed", all.Passed), "stored lossy; the rest lossless") +
            Card("Gate pass rate", Percent("gate.all.rate", all.Rate)) +
            "</section>" +
            Table(
                "Gate per modality",
                ["Modality", "Lossy tried", "Met the target", "Pass rate"],
                report.Gate.Where(gate => gate.Modality.Length > 0).Select(gate => (IReadOnlyList<string>)
                [
                    Encode(gate.Modality),
                    CountFigure($"gate.{gate.Modality}.tried", gate.Tried),
                    CountFigure($"gate.{gate.Modality}.passed", gate.Passed),
                    Percent($"gate.{gate.Modality}.rate", gate.Rate),
                ]),
                "gate-per-modality") +
            "<h2>Measured quality per modality, representation and model</h2>" +
            Table(
                "Measured on the stored bytes (PSNR and SSIM on values scaled by the frame's range; error in stored values)",
                ["Modality", "Representation", "Model", "Instances", "Min PSNR (dB)", "Median PSNR (dB)", "Min SSIM", "Max abs error"],
                report.Groups.Select(Row),
                "quality-groups") +
            string.Concat(report.Groups.Select(Histograms)) +
            "<h2>Worst lossy instances (lowest PSNR)</h2>" +
            Table(
                "Each links to its compare page (original, reconstruction, difference)",
                ["Instance", "Modality", "Representation", "Model", "PSNR (dB)", "SSIM", "Max abs error"],
                report.Worst.Select(Worst),
                "worst");
    }

    private static IReadOnlyList<string> Row(QualityGroup group)
    {
        var name = "group." + group.Key;
        return
        [
            Encode(group.Modality),
            Encode(group.Representation),
            Encode(group.Model.Length == 0 ? "-" : group.Model),
            CountFigure(name + ".instances", group.Instances),
            Figure(name + ".minPsnr", group.MinPsnr, Number(group.MinPsnr, "0.00")),
            Figure(name + ".medianPsnr", group.MedianPsnr, Number(group.MedianPsnr, "0.00")),
            Figure(name + ".minSsim", group.MinSsim, Number(group.MinSsim, "0.0000")),
            Figure(name + ".maxAbsError", group.MaxAbsError, group.MaxAbsError?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"),
        ];
    }

    private static string Histograms(QualityGroup group)
    {
        var title = $"{group.Modality} · {group.Representation}{(group.Model.Length == 0 ? string.Empty : " · " + group.Model)}";
        string Chart(string metric, string what, IReadOnlyList<HistogramBucket> buckets) => BarChart.Render(
            $"{metric}:{group.Key}",
            $"{what}, {title}",
            [.. buckets.Select(bucket => new Bar(bucket.Label, bucket.Count, $"{Count(bucket.Count)} instances"))],
            value => Count((long)value),
            width: 360);
        var sample = CompareSampleQuery.Path(new CompareSample(
            group.Modality, group.Representation, group.Model.Length == 0 ? null : group.Model, CompareSample.DefaultCount, 1));
        return $"<h3>{Encode(title)}</h3>" +
            $"<p><a class=\"sample-link\" href=\"{Encode(sample)}\">Compare a sample of this group</a> (original, reconstruction, difference)</p>" +
            "<div class=\"histograms\">" +
            Chart("psnr", "PSNR (dB)", group.Psnr) + Chart("ssim", "SSIM", group.Ssim) + Chart("error", "Max abs error (stored values)", group.AbsError) + "</div>";
    }

    private static IReadOnlyList<string> Worst(MeasuredInstance instance)
    {
        var compare = ConsoleEndpoints.ComparePath(instance.StudyInstanceUid, instance.SeriesInstanceUid, instance.SopInstanceUid);
        return
        [
            $"<a class=\"uid\" href=\"{Encode(compare)}\" data-instance=\"{Encode(instance.SopInstanceUid)}\">{Encode(instance.SopInstanceUid)}</a>",
            Encode(instance.Modality),
            Encode(instance.Representation),
            Encode(instance.Model.Length == 0 ? "-" : instance.Model),
            Figure("worst." + instance.SopInstanceUid + ".psnr", instance.Psnr, Number(instance.Psnr, "0.00")),
            Number(instance.Ssim, "0.0000"),
            instance.MaxAbsError?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
        ];
    }

    private static string Percent(string name, double? rate) => Figure(name, rate, rate is { } value ? Number(value * 100, "0.0") + " %" : "-");
}
