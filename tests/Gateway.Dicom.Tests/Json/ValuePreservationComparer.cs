using System.Globalization;

namespace Gateway.Dicom.Tests.Json;

/// <summary>
/// Compares two data sets by meaning where DICOM JSON may normalise and by bytes where it may not: text values as
/// decoded strings with PS3.5's insignificant padding ignored (trailing spaces and NULs everywhere, leading spaces
/// for AE, CS, DS, IS, LO and SH), DS and IS as decimal numbers, PN with empty trailing component groups ignored;
/// every other value, fragment and offset table byte for byte (allowing the one padding byte an odd length gets).
/// Group Length elements are skipped (PS3.18 F.2.2 leaves them out of the JSON).
/// </summary>
internal static class ValuePreservationComparer
{
    public static List<string> Differences(DicomDataset expected, DicomDataset actual)
    {
        var differences = new List<string>();
        Compare(expected, actual, string.Empty, differences);
        return differences;
    }

    private static void Compare(DicomDataset expected, DicomDataset actual, string path, List<string> differences)
    {
        foreach (var element in expected.Where(element => !element.Tag.IsGroupLength))
        {
            var where = path + element.Tag;
            var other = actual[element.Tag];
            if (other is null)
            {
                differences.Add($"{where} missing");
            }
            else if (other.VR != element.VR)
            {
                differences.Add($"{where} VR {element.VR} became {other.VR}");
            }
            else if (!SameValue(element, expected, other, actual, where, differences))
            {
                differences.Add($"{where} {element.VR} value differs");
            }
        }

        differences.AddRange(actual.Where(element => !element.Tag.IsGroupLength && !expected.Contains(element.Tag)).Select(element => $"{path}{element.Tag} added"));
    }

    private static bool SameValue(DicomElement element, DicomDataset expectedSet, DicomElement other, DicomDataset actualSet, string where, List<string> differences)
    {
        switch (element, other)
        {
            case (DicomValueElement a, DicomValueElement b) when a.VR.IsText:
                return SameText(a.VR, expectedSet.GetString(a.Tag) ?? string.Empty, actualSet.GetString(b.Tag) ?? string.Empty);
            case (DicomValueElement a, DicomValueElement b):
                return SameBytes(a.Value.Span, b.Value.Span);
            case (DicomSequence a, DicomSequence b):
                if (a.Items.Count != b.Items.Count)
                {
                    return false;
                }

                for (var i = 0; i < a.Items.Count; i++)
                {
                    Compare(a.Items[i], b.Items[i], $"{where}[{i}].", differences);
                }

                return true;
            case (DicomFragmentSequence a, DicomFragmentSequence b):
                return SameBytes(a.BasicOffsetTable.Span, b.BasicOffsetTable.Span)
                    && a.Fragments.Count == b.Fragments.Count
                    && a.Fragments.Zip(b.Fragments).All(pair => SameBytes(pair.First.Span, pair.Second.Span));
            default:
                return false;
        }
    }

    private static bool SameText(DicomVR vr, string expected, string actual)
    {
        var a = Values(vr, expected);
        var b = Values(vr, actual);
        return a.Length == b.Length && a.Zip(b).All(pair => SameTextValue(vr, pair.First, pair.Second));
    }

    private static string[] Values(DicomVR vr, string text)
    {
        var values = vr.IsMultiValued ? text.Split('\\') : [text];
        var leadingInsignificant = vr == DicomVR.AE || vr == DicomVR.CS || vr == DicomVR.DS || vr == DicomVR.IS || vr == DicomVR.LO || vr == DicomVR.SH;
        var trimmed = values.Select(value => value.TrimEnd(' ', '\0')).Select(value => leadingInsignificant ? value.TrimStart(' ') : value).ToArray();
        return trimmed is [""] ? [] : trimmed;
    }

    private static bool SameTextValue(DicomVR vr, string expected, string actual)
    {
        if (vr == DicomVR.DS || vr == DicomVR.IS)
        {
            var style = NumberStyles.Float;
            if (decimal.TryParse(expected, style, CultureInfo.InvariantCulture, out var a) && decimal.TryParse(actual, style, CultureInfo.InvariantCulture, out var b))
            {
                return a == b;
            }

            if (double.TryParse(expected, style, CultureInfo.InvariantCulture, out var x) && double.TryParse(actual, style, CultureInfo.InvariantCulture, out var y))
            {
                return x.Equals(y);
            }
        }

        if (vr == DicomVR.PN)
        {
            return expected.TrimEnd('=') == actual.TrimEnd('=');
        }

        return expected == actual;
    }

    private static bool SameBytes(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual) =>
        expected.SequenceEqual(actual)
        || (expected.Length % 2 == 1 && actual.Length == expected.Length + 1 && actual[..^1].SequenceEqual(expected));
}
