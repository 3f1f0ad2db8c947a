using Gateway.Core.Statistics;

namespace Gateway.Server.AdminConsole;

/// <summary>The line a page shows above figures that are not current: when they were computed (docs/console.md, "How fresh the figures are").</summary>
internal static class FiguresNotice
{
    public static string Html<T>(Figures<T> figures)
    {
        ArgumentNullException.ThrowIfNull(figures);
        return figures.Current
            ? string.Empty
            : $"<p class=\"notice stale\" role=\"status\" data-figures-as-of=\"{figures.AsOf.UtcDateTime:O}\">Figures as of {ConsoleHtml.Encode(ConsoleHtml.Time(figures.AsOf))}: the archive has changed since, newer figures are being computed.</p>";
    }
}
