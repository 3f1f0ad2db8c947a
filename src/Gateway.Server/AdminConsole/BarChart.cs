using System.Globalization;

namespace Gateway.Server.AdminConsole;

/// <summary>One bar: its label under the axis, its value, and the text its tooltip and the exact data-value carry.</summary>
internal sealed record Bar(string Label, double Value, string Text);

/// <summary>
/// A bar chart as inline SVG, drawn on the server (no script): bars up from a zero line for positive values and down
/// for negative ones, the largest magnitude labelled, every bar with a tooltip and its exact value in data-value.
/// Colours come from console.css classes (presentation only; the Content-Security-Policy allows no inline style).
/// </summary>
internal static class BarChart
{
    private const double Height = 220;
    private const double Left = 64;
    private const double Bottom = 28;
    private const double Top = 12;

    /// <param name="width">The drawing's width in its own units (the height is 220): a narrower one draws its text larger when scaled to the page.</param>
    public static string Render(string id, string title, IReadOnlyList<Bar> bars, Func<double, string> axisLabel, double width = 720)
    {
        ArgumentNullException.ThrowIfNull(bars);
        ArgumentNullException.ThrowIfNull(axisLabel);
        var svg = new System.Text.StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<figure class=\"chart\"><svg id=\"{ConsoleHtml.Encode(id)}\" viewBox=\"0 0 {F(width)} {F(Height)}\" role=\"img\" aria-label=\"{ConsoleHtml.Encode(title)}\"><title>{ConsoleHtml.Encode(title)}</title>");
        if (bars.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(width / 2)}\" y=\"{F(Height / 2)}\" text-anchor=\"middle\" class=\"axis\">no data yet</text></svg>{Caption(title)}</figure>");
            return svg.ToString();
        }

        var max = Math.Max(bars.Max(bar => bar.Value), 0);
        var min = Math.Min(bars.Min(bar => bar.Value), 0);
        var span = max - min == 0 ? 1 : max - min;
        var plot = Height - Top - Bottom;
        double Y(double value) => Top + ((max - value) / span * plot);
        var zero = Y(0);
        var slot = (width - Left - 8) / bars.Count;
        var barWidth = Math.Max(slot * 0.7, 1);
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{F(Left)}\" y1=\"{F(zero)}\" x2=\"{F(width - 4)}\" y2=\"{F(zero)}\"/>");
        if (max > 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{F(Left - 6)}\" y=\"{F(Top + 10)}\" text-anchor=\"end\">{ConsoleHtml.Encode(axisLabel(max))}</text>");
        }

        if (min < 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{F(Left - 6)}\" y=\"{F(Height - Bottom)}\" text-anchor=\"end\">{ConsoleHtml.Encode(axisLabel(min))}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{F(Left - 6)}\" y=\"{F(zero + 4)}\" text-anchor=\"end\">0</text>");
        var labelEvery = Math.Max(1, (int)Math.Ceiling(bars.Count / 12.0));
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var x = Left + (i * slot) + ((slot - barWidth) / 2);
            var y = Math.Min(Y(bar.Value), zero);
            var height = Math.Max(Math.Abs(Y(bar.Value) - zero), bar.Value == 0 ? 0 : 1);
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"bar{(bar.Value < 0 ? " negative" : string.Empty)}\" x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(barWidth)}\" height=\"{F(height)}\" data-label=\"{ConsoleHtml.Encode(bar.Label)}\" data-value=\"{bar.Value.ToString("R", CultureInfo.InvariantCulture)}\"><title>{ConsoleHtml.Encode(bar.Label + ": " + bar.Text)}</title></rect>");
            if (i % labelEvery == 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{F(x + (barWidth / 2))}\" y=\"{F(Height - 8)}\" text-anchor=\"middle\">{ConsoleHtml.Encode(bar.Label)}</text>");
            }
        }

        svg.Append("</svg>").Append(Caption(title)).Append("</figure>");
        return svg.ToString();
    }

    private static string Caption(string title) => $"<figcaption>{ConsoleHtml.Encode(title)}</figcaption>";

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
