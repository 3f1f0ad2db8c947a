namespace Gateway.Dicom;

/// <summary>
/// Lookups in the generated standard table: binary search over the sorted single tags, then a scan of the
/// few dozen repeating entries. Entries are built on first use and kept.
/// </summary>
internal static class StandardDictionary
{
    private static readonly DicomDictionaryEntry?[] Entries = new DicomDictionaryEntry?[StandardDictionaryData.Count];

    public static DicomDictionaryEntry? Find(DicomTag tag)
    {
        var row = FindRow(tag.Value);
        return row < 0 ? null : Entry(row);
    }

    public static bool TryGetTag(string keyword, out DicomTag tag)
    {
        var row = PackedStrings.Find(
            StandardDictionaryData.Keywords, StandardDictionaryData.KeywordStarts, StandardDictionaryData.KeywordOrder, keyword);
        tag = row < 0 ? default : new DicomTag(StandardDictionaryData.Tags[row]);
        return row >= 0;
    }

    private static int FindRow(uint tag)
    {
        var tags = StandardDictionaryData.Tags;
        var index = tags[..StandardDictionaryData.SingleCount].BinarySearch(tag);
        if (index >= 0)
        {
            return index;
        }

        var repeating = tags[StandardDictionaryData.SingleCount..];
        var masks = StandardDictionaryData.RepeatingMasks;
        for (var i = 0; i < repeating.Length; i++)
        {
            if ((tag & masks[i]) == repeating[i])
            {
                return StandardDictionaryData.SingleCount + i;
            }
        }

        return -1;
    }

    private static DicomDictionaryEntry Entry(int row)
    {
        var entry = Volatile.Read(ref Entries[row]);
        if (entry is null)
        {
            // Two threads may build the same entry at once; both copies are equal and the first stored is kept.
            var created = Create(row);
            entry = Interlocked.CompareExchange(ref Entries[row], created, null) ?? created;
        }

        return entry;
    }

    private static DicomDictionaryEntry Create(int row)
    {
        var mask = row < StandardDictionaryData.SingleCount
            ? uint.MaxValue
            : StandardDictionaryData.RepeatingMasks[row - StandardDictionaryData.SingleCount];
        return new DicomDictionaryEntry(
            new DicomTag(StandardDictionaryData.Tags[row]),
            mask,
            PackedStrings.Get(StandardDictionaryData.Keywords, StandardDictionaryData.KeywordStarts, row),
            StandardDictionaryData.VRSets[StandardDictionaryData.VRSetIndexes[row]],
            StandardDictionaryData.Multiplicities[StandardDictionaryData.MultiplicityIndexes[row]],
            StandardDictionaryData.Retired[row] != 0,
            privateCreator: null);
    }
}
