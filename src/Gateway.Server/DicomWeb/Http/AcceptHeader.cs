using System.Globalization;
using System.Text;

namespace Gateway.Server.DicomWeb.Http;

/// <summary>
/// Parses Accept headers as clients send them: several comma-separated ranges, parameters quoted or not,
/// q values. Ranges that do not parse are skipped; q=0 ranges are dropped; the rest are ordered by quality,
/// keeping the client's order among equals.
/// </summary>
internal static class AcceptHeader
{
    public static IReadOnlyList<MediaRange> Parse(IEnumerable<string?> headerValues)
    {
        ArgumentNullException.ThrowIfNull(headerValues);
        var ranges = new List<MediaRange>();
        foreach (var value in headerValues)
        {
            if (value is null)
            {
                continue;
            }

            foreach (var item in SplitOutsideQuotes(value, ','))
            {
                if (TryParseRange(item, out var range) && range.Quality > 0)
                {
                    ranges.Add(range);
                }
            }
        }

        return [.. ranges.Select((range, index) => (range, index)).OrderByDescending(x => x.range.Quality).ThenBy(x => x.index).Select(x => x.range)];
    }

    /// <summary>Parses one media type with parameters (a Content-Type value, or one Accept range).</summary>
    public static bool TryParseRange(string text, out MediaRange range)
    {
        ArgumentNullException.ThrowIfNull(text);
        range = null!;
        var pieces = SplitOutsideQuotes(text, ';');
        if (pieces.Count == 0)
        {
            return false;
        }

        var mediaType = pieces[0].Trim();
        var slash = mediaType.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == mediaType.Length - 1 || mediaType.IndexOf('/', slash + 1) >= 0 || mediaType.Any(char.IsWhiteSpace))
        {
            return false;
        }

        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var quality = 1.0;
        foreach (var piece in pieces.Skip(1))
        {
            var equals = piece.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var name = piece[..equals].Trim();
            var value = Unquote(piece[(equals + 1)..].Trim());
            if (name.Equals("q", StringComparison.OrdinalIgnoreCase))
            {
                if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out quality) || quality > 1)
                {
                    return false;
                }
            }
            else
            {
                parameters[name] = value;
            }
        }

        range = new MediaRange(mediaType[..slash].ToLowerInvariant(), mediaType[(slash + 1)..].ToLowerInvariant(), parameters, quality);
        return true;
    }

    private static string Unquote(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return value;
        }

        var text = new StringBuilder(value.Length);
        for (var i = 1; i < value.Length - 1; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length - 1)
            {
                i++;
            }

            text.Append(value[i]);
        }

        return text.ToString();
    }

    private static List<string> SplitOutsideQuotes(string text, char separator)
    {
        var parts = new List<string>();
        var quoted = false;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (text[i] == '\\' && quoted)
            {
                i++;
            }
            else if (text[i] == separator && !quoted)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return [.. parts.Where(part => part.Trim().Length > 0)];
    }
}
