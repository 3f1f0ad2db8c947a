using Gateway.Core.Statistics;
using static Gateway.Server.AdminConsole.ConsoleHtml;

namespace Gateway.Server.AdminConsole;

/// <summary>
/// The console's compare page for one instance: the window presets of its modality, the original, the reconstruction
/// and their amplified difference side by side (PNG rendered by the gateway), and the figures its compress job measured
/// on the stored bytes.
/// </summary>
internal static class ComparePage
{
    /// <summary>The window presets of a modality: the current one marked, each other a link to <paramref name="href"/> of its key.</summary>
    public static string PresetLinks(string? modality, WindowPreset current, Func<string, string> href) =>
        string.Join(" ", WindowPresets.For(modality).Select(choice => choice.Key == current.Key
            ? $"<strong aria-current=\"true\">{Encode(choice.Name)}</strong>"
            : $"<a href=\"{Encode(href(choice.Key))}\">{Encode(choice.Name)}</a>"));

    public static string Render(string path, MeasuredInstance? measured, string? modality, WindowPreset preset, bool originalKept)
    {
        var presets = PresetLinks(modality, preset, key => $"{path}?preset={Uri.EscapeDataString(key)}");
        var figures = measured is null
            ? "<p>Not compressed yet: the original serves.</p>"
            : "<section class=\"cards\">" +
              Card("Representation", Encode(measured.Representation) + (measured.Model.Length == 0 ? string.Empty : " · " + Encode(measured.Model))) +
              Card("PSNR (worst frame)", Figure("compare.psnr", measured.Psnr, Number(measured.Psnr, "0.00") + " dB")) +
              Card("SSIM (worst frame)", Figure("compare.ssim", measured.Ssim, Number(measured.Ssim, "0.0000"))) +
              Card("Max abs error", Figure("compare.maxAbsError", measured.MaxAbsError, measured.MaxAbsError?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"), "stored values") +
              "</section>";
        if (!originalKept)
        {
            return figures + "<p class=\"notice error\" role=\"alert\">The original is no longer kept (retired after Gateway:Compression:RetentionDays): there is nothing to compare with.</p>";
        }

        var query = "?preset=" + Uri.EscapeDataString(preset.Key);
        string Image(string id, string caption) =>
            $"<figure class=\"compare\"><img id=\"{id}\" src=\"{Encode(path)}/image/{id}{Encode(query)}\" alt=\"{Encode(caption)}\"><figcaption>{Encode(caption)}</figcaption></figure>";
        return figures +
            $"<p>Window: {presets}</p>" +
            "<div class=\"compare-row\">" +
            Image("original", "Original (as received)") +
            Image("reconstruction", $"Reconstruction ({measured?.Representation ?? "stored representation"})") +
            Image("difference", $"Difference x{CompareImages.Amplification} (|reconstruction - original| / window width)") +
            "</div>";
    }
}
