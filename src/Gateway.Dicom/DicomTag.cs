using System.Globalization;

namespace Gateway.Dicom;

/// <summary>A DICOM attribute tag (group, element), ordered as the standard orders data elements.</summary>
public readonly record struct DicomTag(ushort Group, ushort Element) : IComparable<DicomTag>
{
    public DicomTag(uint value)
        : this((ushort)(value >> 16), (ushort)value)
    {
    }

    /// <summary>The tag as one 32-bit number, group in the high half.</summary>
    public uint Value => ((uint)Group << 16) | Element;

    /// <summary>Private tags have an odd group number (groups 0x0001, 0x0003, 0x0005, 0x0007 and 0xFFFF are illegal, not private).</summary>
    public bool IsPrivate => (Group & 1) == 1 && Group > 0x0007 && Group != 0xFFFF;

    /// <summary>A private creator element (gggg,0010-00FF) reserves a block of private elements.</summary>
    public bool IsPrivateCreator => IsPrivate && Element >= 0x0010 && Element <= 0x00FF;

    /// <summary>A group length element (gggg,0000), retired except in the command and meta groups.</summary>
    public bool IsGroupLength => Element == 0x0000;

    public int CompareTo(DicomTag other) => Value.CompareTo(other.Value);

    public static bool operator <(DicomTag left, DicomTag right) => left.Value < right.Value;

    public static bool operator >(DicomTag left, DicomTag right) => left.Value > right.Value;

    public static bool operator <=(DicomTag left, DicomTag right) => left.Value <= right.Value;

    public static bool operator >=(DicomTag left, DicomTag right) => left.Value >= right.Value;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({Group:X4},{Element:X4})");

    /// <summary>The tag as eight hex digits, the form DICOM JSON uses for keys.</summary>
    public string ToHexString() => Value.ToString("X8", CultureInfo.InvariantCulture);

    /// <summary>Parses "(gggg,eeee)", "gggg,eeee" or "ggggeeee".</summary>
    public static DicomTag Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var tag)
            ? tag
            : throw new FormatException($"'{text}' is not a DICOM tag; expected (gggg,eeee) or ggggeeee in hexadecimal.");
    }

    public static bool TryParse(string? text, out DicomTag tag)
    {
        tag = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        if (span.Length >= 2 && span[0] == '(' && span[^1] == ')')
        {
            span = span[1..^1];
        }

        Span<char> digits = stackalloc char[8];
        var count = 0;
        foreach (var c in span)
        {
            if (c == ',')
            {
                continue;
            }

            if (count == 8 || !char.IsAsciiHexDigit(c))
            {
                return false;
            }

            digits[count++] = c;
        }

        if (count != 8 || !uint.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        tag = new DicomTag(value);
        return true;
    }

    // Delimitation tags of PS3.5 section 7.5 (encoded without a VR in every transfer syntax).
    public static readonly DicomTag Item = new(0xFFFE, 0xE000);
    public static readonly DicomTag ItemDelimitationItem = new(0xFFFE, 0xE00D);
    public static readonly DicomTag SequenceDelimitationItem = new(0xFFFE, 0xE0DD);
}
