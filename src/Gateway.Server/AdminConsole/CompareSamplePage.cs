using System.Globalization;
using Gateway.Core.Statistics;
using static Gateway.Server.AdminConsole.ConsoleHtml;

namespace Gateway.Server.AdminConsole;

/// <summary>
/// The console's sampled compare view: for a sample of compressed instances whose original is still kept (one
/// modality, representation or model, or all), each instance's original, reconstruction and amplified difference side
/// by side with its measured figures and a link to its own compare page, and the sample's lowest and median PSNR. This
/// is how a site looks at a model on many images of a modality before it trusts it.
/// </summary>
internal static class CompareSamplePage
{
    public static string Render(CompareSample sample, string? presetKey, IReadOnlyList<MeasuredInstance> sampled)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(sampled);
        var scope = string.Join(" · ", new[] { sample.Modality, sample.Representation, sample.Model }.Where(part => part is not null).Select(Encode));
        var psnrs = sampled.Where(instance => instance.Psnr is not null).Select(instance => instance.Psnr!.Value).Order().ToArray();
        double? median = psnrs.Length == 0 ? null : psnrs.Length % 2 == 1 ? psnrs[psnrs.Length / 2] : (psnrs[(psnrs.Length / 2) - 1] + psnrs[psnrs.Length / 2]) / 2;
        var presets = sample.Modality is null
            ? "each image's own window (choose a modality for its presets)"
            : ComparePage.PresetLinks(sample.Modality, WindowPresets.Find(sample.Modality, presetKey), key => CompareSampleQuery.Path(sample, key));
        var header =
            $"<p>A sample of compressed instances whose original is still kept{(scope.Length == 0 ? string.Empty : ": " + scope)} " +
            $"(seed {sample.Seed.ToString(CultureInfo.InvariantCulture)}). " +
            $"<a id=\"next-sample\" href=\"{Encode(CompareSampleQuery.Path(sample with { Seed = sample.Seed == int.MaxValue ? 0 : sample.Seed + 1 }, presetKey))}\">Another sample</a></p>" +
            "<section class=\"cards\">" +
            Card("Instances", CountFigure("sample.instances", sampled.Count), $"at most {sample.Count.ToString(CultureInfo.InvariantCulture)}") +
            Card("Lowest PSNR", Figure("sample.minPsnr", psnrs.Length == 0 ? null : psnrs[0], Number(psnrs.Length == 0 ? null : psnrs[0], "0.00") + " dB")) +
            Card("Median PSNR", Figure("sample.medianPsnr", median, Number(median, "0.00") + " dB")) +
            "</section>" +
            $"<p>Window: {presets}</p>";
        if (sampled.Count == 0)
        {
            return header + "<p class=\"notice\">No compressed instance of this kind keeps its original: there is nothing to compare.</p>";
        }

        return header + string.Concat(sampled.Select((instance, index) => Row(instance, index + 1, sample.Modality is null ? null : presetKey)));
    }

    private static string Row(MeasuredInstance instance, int number, string? presetKey)
    {
        var path = ConsoleEndpoints.ComparePath(instance.StudyInstanceUid, instance.SeriesInstanceUid, instance.SopInstanceUid);
        var preset = WindowPresets.Find(instance.Modality, presetKey);
        var query = "?preset=" + Uri.EscapeDataString(preset.Key);
        var name = "sample." + number.ToString(CultureInfo.InvariantCulture);
        string Image(string image, string caption) =>
            $"<figure class=\"compare sampled\"><img id=\"s{number.ToString(CultureInfo.InvariantCulture)}-{image}\" src=\"{Encode(path)}/image/{image}{Encode(query)}\" alt=\"{Encode(caption)}\"><figcaption>{Encode(caption)}</figcaption></figure>";
        return
            $"<section class=\"sampled-instance\" data-instance=\"{Encode(instance.SopInstanceUid)}\">" +
            $"<h3><a class=\"uid\" href=\"{Encode(path + query)}\">{Encode(instance.SopInstanceUid)}</a></h3>" +
            $"<p>{Encode(instance.Modality)} · {Encode(instance.Representation)}{(instance.Model.Length == 0 ? string.Empty : " · " + Encode(instance.Model))} · " +
            $"PSNR {Figure(name + ".psnr", instance.Psnr, Number(instance.Psnr, "0.00"))} dB · SSIM {Figure(name + ".ssim", instance.Ssim, Number(instance.Ssim, "0.0000"))} · " +
            $"max abs error {Figure(name + ".maxAbsError", instance.MaxAbsError, instance.MaxAbsError?.ToString(CultureInfo.InvariantCulture) ?? "-")}</p>" +
            "<div class=\"compare-row\">" +
            Image("original", "Original") +
            Image("reconstruction", "Reconstruction") +
            Image("difference", $"Difference x{CompareImages.Amplification}") +
            "</div></section>";
    }
}
