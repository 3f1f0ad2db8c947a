using System.Globalization;
using System.Text;

namespace Gateway.Server.Admin;

/// <summary>The Prometheus text exposition format (version 0.0.4): HELP/TYPE lines and samples with escaped labels.</summary>
public sealed class PrometheusWriter
{
    /// <summary>The media type of the format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new();

    /// <summary>A label set in braces ("" for none), from pairs already in the order to write.</summary>
    public static string Labels(IEnumerable<KeyValuePair<string, string>> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var parts = labels.Select(label => $"{label.Key}=\"{Escape(label.Value)}\"").ToList();
        return parts.Count == 0 ? string.Empty : "{" + string.Join(',', parts) + "}";
    }

    /// <summary>Adds one label to a label set written by <see cref="Labels"/>.</summary>
    public static string WithLabel(string labels, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var added = $"{name}=\"{Escape(value)}\"";
        return labels.Length == 0 ? "{" + added + "}" : labels[..^1] + "," + added + "}";
    }

    public static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("R", CultureInfo.InvariantCulture);

    public void Header(string name, string help, string type)
    {
        _text.Append("# HELP ").Append(name).Append(' ').Append(help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    public void Sample(string name, string labels, double value) =>
        _text.Append(name).Append(labels).Append(' ').Append(Number(value)).Append('\n');

    public override string ToString() => _text.ToString();

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
