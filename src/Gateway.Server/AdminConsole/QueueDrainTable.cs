using Gateway.Core.Jobs.Progress;
using static Gateway.Server.AdminConsole.ConsoleHtml;

namespace Gateway.Server.AdminConsole;

/// <summary>The jobs page's progress of the queue per kind (<see cref="QueueDrain"/>): done over the window, waiting, rate and ETA.</summary>
internal static class QueueDrainTable
{
    public static string Render(IReadOnlyList<KindDrain> drains)
    {
        ArgumentNullException.ThrowIfNull(drains);
        var window = drains.Count == 0 ? TimeSpan.Zero : drains[0].Progress.Elapsed;
        var over = window >= QueueDrain.Window - TimeSpan.FromMinutes(1) ? "the last hour" : $"the last {ProgressSnapshot.FormatDuration(window)} (since this node began counting)";
        return Table(
            $"Queue progress per kind over {over}",
            ["Kind", "Done", "Waiting (queued, running)", "Progress", "Rate", "ETA of those waiting"],
            drains.Select(drain => (IReadOnlyList<string>)
            [
                Encode(drain.Kind),
                CountFigure($"drain.{drain.Kind}.done", drain.Progress.Done),
                CountFigure($"drain.{drain.Kind}.waiting", drain.Waiting),
                Progress(drain),
                Figure($"drain.{drain.Kind}.perHour", drain.Progress.PerSecond * 3600, drain.Progress.PerSecond is { } rate ? ProgressSnapshot.FormatRate(rate) : "-"),
                Figure($"drain.{drain.Kind}.etaSeconds", drain.Progress.Eta?.TotalSeconds, drain.Progress.Eta is { } eta ? ProgressSnapshot.FormatDuration(eta) : "-"),
            ]),
            "queue-drain");
    }

    private static string Progress(KindDrain drain)
    {
        var fraction = drain.Progress.Fraction ?? 1;
        var percent = (int)Math.Round(fraction * 100);
        return $"<progress max=\"100\" value=\"{percent}\" data-figure=\"{Encode($"drain.{drain.Kind}.fraction")}\" data-value=\"{fraction.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}\">{percent}%</progress>";
    }
}
