namespace Gateway.Dicom.Tests;

/// <summary>
/// Compares two data sets element by element, recursively: same tags, same VRs and the same value bytes.
/// Trailing padding added to an odd-length value (the only change a writer may make) is allowed.
/// </summary>
internal static class DatasetComparer
{
    /// <param name="allowVRChanges">
    /// Implicit VR encodings do not carry the VR: after a round trip through one, an element's VR is what the
    /// dictionary says (UN for unknown private elements), and only its value must be kept.
    /// </param>
    public static IReadOnlyList<string> Differences(DicomDataset expected, DicomDataset actual, bool allowVRChanges = false)
    {
        var differences = new List<string>();
        Compare(expected, actual, string.Empty, differences, allowVRChanges);
        return differences;
    }

    private static void Compare(DicomDataset expected, DicomDataset actual, string path, List<string> differences, bool allowVRChanges)
    {
        var actualByTag = actual.ToDictionary(element => element.Tag);
        foreach (var element in expected)
        {
            var where = $"{path}{element.Tag}";
            if (!actualByTag.Remove(element.Tag, out var other))
            {
                differences.Add($"{where} missing");
                continue;
            }

            if (element.VR != other.VR && !(allowVRChanges && element.GetType() == other.GetType()))
            {
                differences.Add($"{where} VR {element.VR} became {other.VR}");
                continue;
            }

            switch (element, other)
            {
                case (DicomValueElement a, DicomValueElement b):
                    if (!SameValue(a.Value.Span, b.Value.Span, a.VR.Padding))
                    {
                        differences.Add($"{where} value differs ({a.Length} vs {b.Length} bytes)");
                    }

                    break;
                case (DicomSequence a, DicomSequence b):
                    if (a.Items.Count != b.Items.Count)
                    {
                        differences.Add($"{where} has {a.Items.Count} items, became {b.Items.Count}");
                        break;
                    }

                    for (var i = 0; i < a.Items.Count; i++)
                    {
                        Compare(a.Items[i], b.Items[i], $"{where}[{i}].", differences, allowVRChanges);
                    }

                    break;
                case (DicomFragmentSequence a, DicomFragmentSequence b):
                    if (!SameValue(a.BasicOffsetTable.Span, b.BasicOffsetTable.Span, 0) || a.Fragments.Count != b.Fragments.Count
                        || a.Fragments.Zip(b.Fragments).Any(pair => !SameValue(pair.First.Span, pair.Second.Span, 0)))
                    {
                        differences.Add($"{where} fragments differ");
                    }

                    break;
                default:
                    differences.Add($"{where} changed kind from {element.GetType().Name} to {other.GetType().Name}");
                    break;
            }
        }

        differences.AddRange(actualByTag.Keys.Select(tag => $"{path}{tag} added"));
    }

    private static bool SameValue(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, byte padding) =>
        expected.SequenceEqual(actual)
        || (expected.Length % 2 == 1 && actual.Length == expected.Length + 1 && actual[^1] == padding && actual[..^1].SequenceEqual(expected));
}
