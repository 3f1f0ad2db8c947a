namespace Gateway.Dicom;

/// <summary>
/// Lookups in the generated private table (DCMTK's private.dic): find the creator by binary search, then
/// scan its few rows. Entries are built on first use and kept.
/// </summary>
internal static class PrivateDictionary
{
    private static readonly DicomDictionaryEntry?[] Entries = new DicomDictionaryEntry?[PrivateDictionaryData.Count];

    /// <summary>
    /// The entry for private data element <paramref name="tag"/> (gggg,bbee), bb being the block that
    /// <paramref name="privateCreator"/> reserved. An entry fixed to that exact element wins over one for
    /// element ee in any block.
    /// </summary>
    public static DicomDictionaryEntry? Find(DicomTag tag, string privateCreator)
    {
        if (tag.Element < 0x1000)
        {
            return null;
        }

        var creator = PackedStrings.Find(PrivateDictionaryData.Creators, PrivateDictionaryData.CreatorStarts, privateCreator.AsSpan().Trim(" \0"));
        if (creator < 0)
        {
            return null;
        }

        var groups = PrivateDictionaryData.Groups;
        var groupMasks = PrivateDictionaryData.GroupMasks;
        var elements = PrivateDictionaryData.Elements;
        var anyBlockRow = -1;
        for (int row = PrivateDictionaryData.CreatorFirstRow[creator], end = PrivateDictionaryData.CreatorFirstRow[creator + 1]; row < end; row++)
        {
            if ((tag.Group & groupMasks[row]) != groups[row])
            {
                continue;
            }

            if (elements[row] == tag.Element)
            {
                return Entry(row, creator);
            }

            if (anyBlockRow < 0 && elements[row] == (tag.Element & 0xFF))
            {
                anyBlockRow = row;
            }
        }

        return anyBlockRow < 0 ? null : Entry(anyBlockRow, creator);
    }

    private static DicomDictionaryEntry Entry(int row, int creator)
    {
        var entry = Volatile.Read(ref Entries[row]);
        if (entry is null)
        {
            // Two threads may build the same entry at once; both copies are equal and the first stored is kept.
            var created = Create(row, creator);
            entry = Interlocked.CompareExchange(ref Entries[row], created, null) ?? created;
        }

        return entry;
    }

    private static DicomDictionaryEntry Create(int row, int creator)
    {
        var element = PrivateDictionaryData.Elements[row];
        var anyBlock = element < 0x100;
        return new DicomDictionaryEntry(
            new DicomTag(PrivateDictionaryData.Groups[row], anyBlock ? (ushort)(0x1000 | element) : element),
            ((uint)PrivateDictionaryData.GroupMasks[row] << 16) | (anyBlock ? 0x00FFu : 0xFFFFu),
            PackedStrings.Get(PrivateDictionaryData.Keywords, PrivateDictionaryData.KeywordStarts, row),
            PrivateDictionaryData.VRSets[PrivateDictionaryData.VRSetIndexes[row]],
            PrivateDictionaryData.Multiplicities[PrivateDictionaryData.MultiplicityIndexes[row]],
            isRetired: false,
            PackedStrings.Get(PrivateDictionaryData.Creators, PrivateDictionaryData.CreatorStarts, creator));
    }
}
