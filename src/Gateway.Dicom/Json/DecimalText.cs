using System.Globalization;

namespace Gateway.Dicom.Json;

/// <summary>
/// Converts decimal text between DICOM's DS/IS forms (PS3.5 table 6.2-1, FORTRAN-like: "+5", ".5", "5.", "007")
/// and JSON numbers (RFC 8259 section 6), textually, so no digit is lost or invented by binary floating point.
/// </summary>
internal static class DecimalText
{
    private const int MaxDecimalStringLength = 16;

    /// <summary>Whether the text is a JSON number: <c>-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?</c>.</summary>
    public static bool IsJsonNumber(ReadOnlySpan<char> text)
    {
        var i = 0;
        if (i < text.Length && text[i] == '-')
        {
            i++;
        }

        if (i == text.Length)
        {
            return false;
        }

        if (text[i] == '0')
        {
            i++;
        }
        else if (text[i] is >= '1' and <= '9')
        {
            i = SkipDigits(text, i);
        }
        else
        {
            return false;
        }

        if (i < text.Length && text[i] == '.')
        {
            var start = ++i;
            i = SkipDigits(text, i);
            if (i == start)
            {
                return false;
            }
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }

            var start = i;
            i = SkipDigits(text, i);
            if (i == start)
            {
                return false;
            }
        }

        return i == text.Length;
    }

    /// <summary>
    /// Rewrites a DICOM decimal (DS or IS value, padding removed) as a JSON number with the same digits: drops a
    /// leading '+' and leading zeros, adds the zero before a leading '.', drops a trailing '.'. Null when the text is
    /// not a decimal number at all (such a value is then written as a JSON string, which PS3.18 table F.2.3-1 allows).
    /// </summary>
    public static string? ToJsonNumber(ReadOnlySpan<char> text)
    {
        var i = 0;
        var negative = false;
        if (i < text.Length && text[i] is '+' or '-')
        {
            negative = text[i] == '-';
            i++;
        }

        var integerStart = i;
        i = SkipDigits(text, i);
        var integer = text[integerStart..i].TrimStart('0');
        var fraction = ReadOnlySpan<char>.Empty;
        var hasDigits = i > integerStart;
        if (i < text.Length && text[i] == '.')
        {
            var fractionStart = ++i;
            i = SkipDigits(text, i);
            fraction = text[fractionStart..i];
            hasDigits |= i > fractionStart;
        }

        if (!hasDigits)
        {
            return null;
        }

        var exponentSign = ReadOnlySpan<char>.Empty;
        var exponent = ReadOnlySpan<char>.Empty;
        var hasExponent = false;
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            hasExponent = true;
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                exponentSign = text.Slice(i, 1);
                i++;
            }

            var exponentStart = i;
            i = SkipDigits(text, i);
            exponent = text[exponentStart..i];
            if (exponent.IsEmpty)
            {
                return null;
            }
        }

        if (i != text.Length)
        {
            return null;
        }

        return string.Concat(
            negative ? "-" : string.Empty,
            integer.IsEmpty ? "0" : integer,
            fraction.IsEmpty ? string.Empty : "." + fraction.ToString(),
            hasExponent ? "E" + exponentSign.ToString() + exponent.ToString() : string.Empty);
    }

    /// <summary>
    /// The IS text for a JSON number: kept as written when it is an integer literal, otherwise (1.0, 1e2) the
    /// integer it equals; null when it is not an integer.
    /// </summary>
    public static string? IntegerStringFromJson(string number)
    {
        if (IsIntegerLiteral(number))
        {
            return number;
        }

        if (decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && decimal.Truncate(value) == value)
        {
            return value.ToString("0", CultureInfo.InvariantCulture);
        }

        return null;
    }

    /// <summary>
    /// The DS text for a JSON number: kept as written when it fits DS's 16 characters (JSON number syntax is a subset
    /// of DS syntax); otherwise the closest value that fits, since a longer DS is not valid DICOM. Null when the
    /// number is out of range.
    /// </summary>
    public static string? DecimalStringFromJson(string number)
    {
        if (number.Length <= MaxDecimalStringLength)
        {
            return number;
        }

        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            return null;
        }

        for (var precision = MaxDecimalStringLength; precision > 0; precision--)
        {
            var text = value.ToString("G" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (text.Length <= MaxDecimalStringLength)
            {
                return text;
            }
        }

        return null;
    }

    private static bool IsIntegerLiteral(ReadOnlySpan<char> text)
    {
        var start = text.Length > 0 && text[0] is '-' or '+' ? 1 : 0;
        return text.Length > start && SkipDigits(text, start) == text.Length;
    }

    private static int SkipDigits(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i;
    }
}
