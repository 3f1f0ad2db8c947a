using System.Globalization;

namespace Gateway.Dicom.Query;

/// <summary>
/// One key attribute of a query identifier, with the type of matching its value asks for (PS3.4 C.2.2.2) and
/// what is needed to evaluate it: the values, their wild card patterns, their periods of time, the item keys.
/// </summary>
/// <remarks>
/// A key with several backslash-separated values (other than a list of UIDs) matches when any one of them
/// matches: without Extended Negotiation of Multiple Value Matching the standard leaves such keys undefined
/// (C.2.2.2.8), and "any" is what archives commonly do. An entity attribute with several values matches when any
/// of its values matches (C.2.2.3). An entity without the attribute, or with an empty value, matches only
/// Universal Matching. Person names are compared whole, after removing empty trailing components and groups
/// ("SMITH^JOHN^^" is "SMITH^JOHN"); see <see cref="DicomQueryMatchOptions.CaseInsensitivePersonNames"/>.
/// A sequence key whose item keys are all universal asks only for the items' attributes: it matches every entity,
/// also one without the sequence (C.2.2.2.6 would let such an entity fail, which turns a request for return keys
/// into a filter).
/// </remarks>
public sealed class DicomQueryKey
{
    /// <summary>The VRs on which "*" and "?" are wild cards (C.2.2.2.4); on the others they are plain characters.</summary>
    private static readonly HashSet<string> WildcardVRs = ["AE", "CS", "LO", "LT", "PN", "SH", "ST", "UC", "UR", "UT"];

    private static readonly HashSet<string> NumericVRs = ["DS", "IS", "FD", "FL", "SL", "SS", "SV", "UL", "US", "UV"];

    private readonly WildcardPattern?[] _patterns;
    private readonly StringComparison _comparison;

    private DicomQueryKey(DicomTag tag, DicomVR vr, DicomMatchKind kind, string[] values, DicomDateTimeRange[] periods, DicomQueryMatcher? itemMatcher, bool ignoreCase)
    {
        Tag = tag;
        VR = vr;
        Kind = kind;
        Values = values;
        Periods = periods;
        ItemMatcher = itemMatcher;
        _comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        _patterns = kind == DicomMatchKind.WildCard
            ? values.Select(value => WildcardPattern.HasWildcards(value) ? new WildcardPattern(value, ignoreCase) : null).ToArray()
            : new WildcardPattern?[values.Length];
    }

    public DicomTag Tag { get; }

    public DicomVR VR { get; }

    public DicomMatchKind Kind { get; }

    /// <summary>The key's values as sent (trimmed; person names normalised); empty for Universal and Sequence Matching.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>For DA, TM and DT keys: the period each value denotes (a single value or a range), in the order of <see cref="Values"/>.</summary>
    public IReadOnlyList<DicomDateTimeRange> Periods { get; }

    /// <summary>For a sequence key whose item holds keys: the matcher of that item (also for building the returned items).</summary>
    public DicomQueryMatcher? ItemMatcher { get; }

    /// <summary>Whether the entity's attribute satisfies this key.</summary>
    public bool Matches(DicomDataset record)
    {
        ArgumentNullException.ThrowIfNull(record);
        switch (Kind)
        {
            case DicomMatchKind.Universal:
                return true;
            case DicomMatchKind.Sequence:
                return record.GetSequence(Tag) is { } sequence && sequence.Items.Exists(ItemMatcher!.Matches);
            default:
                if (record.GetElement(Tag) is not DicomValueElement)
                {
                    return false;
                }

                foreach (var value in record.GetStrings(Tag))
                {
                    if (value.Length > 0 && MatchesValue(value))
                    {
                        return true;
                    }
                }

                return false;
        }
    }

    internal static DicomQueryKey Create(DicomElement element, DicomDataset identifier, DicomQueryMatchOptions options)
    {
        var tag = element.Tag;
        var vr = element.VR;
        var ignoreCase = vr == DicomVR.PN && options.CaseInsensitivePersonNames;
        if (element is DicomSequence sequence)
        {
            if (sequence.Items.Count > 1)
            {
                throw new DicomQueryException($"Sequence key {tag} has {sequence.Items.Count} items; a sequence key holds a single item (PS3.4 C.2.2.2.6).");
            }

            var itemMatcher = sequence.Items.Count == 1 && sequence.Items[0].Count > 0 ? new DicomQueryMatcher(sequence.Items[0], options) : null;
            var kind = itemMatcher is null || itemMatcher.Keys.All(key => key.Kind == DicomMatchKind.Universal) ? DicomMatchKind.Universal : DicomMatchKind.Sequence;
            return new DicomQueryKey(tag, vr, kind, [], [], itemMatcher, ignoreCase);
        }

        var given = identifier.GetStrings(tag);
        foreach (var text in given)
        {
            RejectControlCharacters(tag, vr, text);
        }

        var values = given.Select(value => value.Trim()).Where(value => value.Length > 0).ToArray();
        if (values.Length == 0 && given.Length > 1)
        {
            // Universal Matching is a zero-length value (C.2.2.2.3); "\" is two empty values, not a value to match.
            throw new DicomQueryException($"Key {tag} holds {given.Length} empty values separated by backslashes, the value delimiter (PS3.4 C.2.2.2); give a value to match, or an empty one to match every entity.");
        }

        if (vr == DicomVR.PN)
        {
            values = values.Select(NormalizePersonName).ToArray();
        }

        if (values.Length == 0)
        {
            return new DicomQueryKey(tag, vr, DicomMatchKind.Universal, [], [], null, ignoreCase);
        }

        if (vr == DicomVR.DA || vr == DicomVR.TM || vr == DicomVR.DT)
        {
            var periods = new DicomDateTimeRange[values.Length];
            var anyRange = false;
            for (var i = 0; i < values.Length; i++)
            {
                if (!DicomDateTimeRange.TryParseQuery(vr, values[i], out periods[i], out var isRange))
                {
                    throw new DicomQueryException($"Key {tag} ({vr}) has the value '{values[i]}', which is neither a {vr} value nor a range of them (PS3.4 C.2.2.2.5).");
                }

                anyRange |= isRange;
            }

            return new DicomQueryKey(tag, vr, anyRange ? DicomMatchKind.Range : DicomMatchKind.SingleValue, values, periods, null, ignoreCase);
        }

        if (WildcardVRs.Contains(vr.Code) && values.Any(WildcardPattern.HasWildcards))
        {
            var kind = values.Any(WildcardPattern.IsUniversal) ? DicomMatchKind.Universal : DicomMatchKind.WildCard;
            return new DicomQueryKey(tag, vr, kind, kind == DicomMatchKind.Universal ? [] : values, [], null, ignoreCase);
        }

        var single = vr == DicomVR.UI && values.Length > 1 ? DicomMatchKind.ListOfUid : DicomMatchKind.SingleValue;
        return new DicomQueryKey(tag, vr, single, values, [], null, ignoreCase);
    }

    /// <summary>
    /// Where <paramref name="value"/> holds a control character (NUL, ESC, ...), or -1: decoded query values have none,
    /// and no stored value can match one; only LT, ST and UT values may hold TAB, LF, FF and CR.
    /// </summary>
    public static int IndexOfControlCharacter(DicomVR vr, string value)
    {
        ArgumentNullException.ThrowIfNull(vr);
        ArgumentNullException.ThrowIfNull(value);
        var allowsFormatting = vr == DicomVR.LT || vr == DicomVR.ST || vr == DicomVR.UT;
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsControl(value[i]) && !(allowsFormatting && value[i] is '\t' or '\n' or '\f' or '\r'))
            {
                return i;
            }
        }

        return -1;
    }

    private static void RejectControlCharacters(DicomTag tag, DicomVR vr, string value)
    {
        if (IndexOfControlCharacter(vr, value) is var index and >= 0)
        {
            throw new DicomQueryException(string.Create(CultureInfo.InvariantCulture, $"Key {tag} holds the control character U+{(int)value[index]:X4} at position {index + 1}; query values cannot contain control characters."));
        }
    }

    /// <summary>A person name without trailing spaces in its components and without empty trailing components or groups.</summary>
    internal static string NormalizePersonName(string name)
    {
        var groups = name.Split('=').Select(group => JoinWithoutEmptyTail(group.Split('^').Select(component => component.TrimEnd(' ')).ToArray(), '^'));
        return JoinWithoutEmptyTail(groups.ToArray(), '=');
    }

    private bool MatchesValue(string value)
    {
        if (Periods.Count > 0)
        {
            if (DicomDateTimeRange.TryParseValue(VR, value, out var period))
            {
                return Periods.Any(range => range.Contains(period.Start));
            }

            // An entity value that is not a valid date or time can still equal a key value literally.
            return Values.Contains(value, StringComparer.Ordinal);
        }

        if (VR == DicomVR.PN)
        {
            value = NormalizePersonName(value);
        }

        for (var i = 0; i < Values.Count; i++)
        {
            if (_patterns[i] is { } pattern ? pattern.IsMatch(value) : Equal(Values[i], value))
            {
                return true;
            }
        }

        return false;
    }

    private static string JoinWithoutEmptyTail(string[] parts, char separator)
    {
        var count = parts.Length;
        while (count > 0 && parts[count - 1].Length == 0)
        {
            count--;
        }

        return string.Join(separator, parts, 0, count);
    }

    private bool Equal(string key, string value)
    {
        if (NumericVRs.Contains(VR.Code)
            && decimal.TryParse(key, NumberStyles.Float, CultureInfo.InvariantCulture, out var keyNumber)
            && decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var valueNumber))
        {
            return keyNumber == valueNumber;
        }

        return string.Equals(key, value, _comparison);
    }
}
