using System.Globalization;
using System.Text.Encodings.Web;

namespace Gateway.Server.AdminConsole;

/// <summary>
/// The console's HTML pieces: every text that reaches a page goes through <see cref="Encode"/>; figures carry their
/// exact value in data-figure/data-value (what the browser tests compare with /api/stats and PostgreSQL) beside the
/// rounded text a person reads.
/// </summary>
internal static class ConsoleHtml
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);

    /// <summary>1536 -> "1.5 KiB"; negative values keep their sign.</summary>
    public static string Bytes(long bytes)
    {
        var value = Math.Abs((double)bytes);
        var unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        var text = unit == 0 ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.0", CultureInfo.InvariantCulture);
        return (bytes < 0 ? "-" : string.Empty) + text + " " + Units[unit];
    }

    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    public static string Number(double? value, string format) => value is { } number ? number.ToString(format, CultureInfo.InvariantCulture) : "-";

    public static string Time(DateTimeOffset? time) => time is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "-";

    /// <summary>A figure: <paramref name="text"/> shown, <paramref name="value"/> exact in data-value, named by <paramref name="name"/>.</summary>
    public static string Figure(string name, long value, string text) =>
        $"<span data-figure=\"{Encode(name)}\" data-value=\"{value.ToString(CultureInfo.InvariantCulture)}\">{Encode(text)}</span>";

    public static string Figure(string name, double? value, string text) =>
        $"<span data-figure=\"{Encode(name)}\" data-value=\"{(value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty)}\">{Encode(text)}</span>";

    public static string BytesFigure(string name, long bytes) => Figure(name, bytes, Bytes(bytes));

    public static string CountFigure(string name, long count) => Figure(name, count, Count(count));

    public static string RatioFigure(string name, double ratio) => Figure(name, ratio, ratio == 0 ? "-" : ratio.ToString("0.00", CultureInfo.InvariantCulture) + "x");

    /// <summary>A table: the header cells (encoded here) and rows of cells that are already HTML.</summary>
    public static string Table(string caption, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, string? id = null)
    {
        var body = string.Concat(rows.Select(row => "<tr>" + string.Concat(row.Select(cell => $"<td>{cell}</td>")) + "</tr>"));
        if (body.Length == 0)
        {
            body = $"<tr><td colspan=\"{headers.Count.ToString(CultureInfo.InvariantCulture)}\" class=\"empty\">none</td></tr>";
        }

        var attribute = id is null ? string.Empty : $" id=\"{Encode(id)}\"";
        return $"<table{attribute}><caption>{Encode(caption)}</caption><thead><tr>{string.Concat(headers.Select(header => $"<th scope=\"col\">{Encode(header)}</th>"))}</tr></thead><tbody>{body}</tbody></table>";
    }

    /// <summary>A figure card: a label and its figure.</summary>
    public static string Card(string label, string figure, string? note = null) =>
        $"<div class=\"card\"><div class=\"label\">{Encode(label)}</div><div class=\"value\">{figure}</div>{(note is null ? string.Empty : $"<div class=\"note\">{Encode(note)}</div>")}</div>";
}
