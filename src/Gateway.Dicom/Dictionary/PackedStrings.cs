namespace Gateway.Dicom;

/// <summary>
/// Reads the generated string tables: many strings concatenated into one constant, string i running
/// from starts[i] to starts[i + 1]. One constant costs one allocation on first use instead of thousands.
/// </summary>
internal static class PackedStrings
{
    public static ReadOnlySpan<char> Slice(string text, ReadOnlySpan<int> starts, int index) =>
        text.AsSpan(starts[index], starts[index + 1] - starts[index]);

    public static string Get(string text, ReadOnlySpan<int> starts, int index) =>
        text.Substring(starts[index], starts[index + 1] - starts[index]);

    /// <summary>
    /// Binary search for <paramref name="value"/> among the strings listed by <paramref name="order"/>
    /// (string indexes in ordinal order); returns the string index, or -1.
    /// </summary>
    public static int Find(string text, ReadOnlySpan<int> starts, ReadOnlySpan<ushort> order, ReadOnlySpan<char> value)
    {
        var low = 0;
        var high = order.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var comparison = value.SequenceCompareTo(Slice(text, starts, order[middle]));
            if (comparison == 0)
            {
                return order[middle];
            }

            if (comparison < 0)
            {
                high = middle - 1;
            }
            else
            {
                low = middle + 1;
            }
        }

        return -1;
    }

    /// <summary>Binary search among strings that are themselves stored in ordinal order; returns the index, or -1.</summary>
    public static int Find(string text, ReadOnlySpan<int> starts, ReadOnlySpan<char> value)
    {
        var low = 0;
        var high = starts.Length - 2;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var comparison = value.SequenceCompareTo(Slice(text, starts, middle));
            if (comparison == 0)
            {
                return middle;
            }

            if (comparison < 0)
            {
                high = middle - 1;
            }
            else
            {
                low = middle + 1;
            }
        }

        return -1;
    }
}
