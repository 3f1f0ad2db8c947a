using System.Text;

namespace Gateway.Dicom.Query;

/// <summary>
/// Wild card matching of PS3.4 C.2.2.2.4 on whole values: "*" matches any run of characters, also an empty one,
/// and "?" matches exactly one character. Characters are Unicode code points of the decoded value, so "?" matches
/// one letter of a multi-byte character set, not one byte.
/// </summary>
internal sealed class WildcardPattern
{
    private const int Star = '*';
    private const int Question = '?';

    private readonly int[] _pattern;
    private readonly bool _ignoreCase;

    public WildcardPattern(string pattern, bool ignoreCase)
    {
        _ignoreCase = ignoreCase;
        _pattern = CodePoints(pattern, ignoreCase);
    }

    public static bool HasWildcards(string value) => value.AsSpan().IndexOfAny('*', '?') >= 0;

    /// <summary>Whether the value holds nothing but "*", which is Universal Matching.</summary>
    public static bool IsUniversal(string value) => value.Length > 0 && !value.AsSpan().ContainsAnyExcept('*');

    public bool IsMatch(string text)
    {
        var value = CodePoints(text, _ignoreCase);
        int p = 0, s = 0, star = -1, resume = 0;
        while (s < value.Length)
        {
            if (p < _pattern.Length && (_pattern[p] == Question || (_pattern[p] != Star && _pattern[p] == value[s])))
            {
                p++;
                s++;
            }
            else if (p < _pattern.Length && _pattern[p] == Star)
            {
                // Let the star match nothing for now; come back here and give it one more character on a mismatch.
                star = p++;
                resume = s;
            }
            else if (star >= 0)
            {
                p = star + 1;
                s = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < _pattern.Length && _pattern[p] == Star)
        {
            p++;
        }

        return p == _pattern.Length;
    }

    private static int[] CodePoints(string text, bool ignoreCase)
    {
        var points = new List<int>(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            points.Add((ignoreCase ? Rune.ToUpperInvariant(rune) : rune).Value);
        }

        return [.. points];
    }
}
