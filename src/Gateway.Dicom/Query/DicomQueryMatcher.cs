namespace Gateway.Dicom.Query;

/// <summary>
/// Attribute matching of a C-FIND identifier against entities (PS3.4 C.2.2.2), and the response identifiers for
/// the matches (C.2.2.3, C.4.1.1.3.2). The identifier is read once; the matcher can then test any number of
/// entities, from any thread. An entity is a data set holding its attributes (for an archive: those of the
/// entity's level and the levels above, plus computed ones such as Modalities in Study).
/// </summary>
/// <remarks>
/// Every element of the identifier is a key, except Specific Character Set (0008,0005), which says how the
/// identifier is encoded and is never matched (C.2.2.2), Query/Retrieve Level (0008,0052), group lengths and
/// private creator elements. Text values are compared as decoded strings, so identifier and entity may use
/// different character sets. An entity matches when every key matches; the kinds of matching are described at
/// <see cref="DicomMatchKind"/> and <see cref="DicomQueryKey"/>.
/// </remarks>
public sealed class DicomQueryMatcher
{
    public DicomQueryMatcher(DicomDataset identifier, DicomQueryMatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        Identifier = identifier;
        Options = options ?? DicomQueryMatchOptions.Default;
        Keys = identifier.Where(element => IsKey(element.Tag)).Select(element => DicomQueryKey.Create(element, identifier, Options)).ToArray();
    }

    public DicomDataset Identifier { get; }

    public DicomQueryMatchOptions Options { get; }

    /// <summary>The keys of the identifier in tag order, Universal Matching included (those are return keys only).</summary>
    public IReadOnlyList<DicomQueryKey> Keys { get; }

    /// <summary>Whether <paramref name="record"/> satisfies every key.</summary>
    public bool Matches(DicomDataset record)
    {
        ArgumentNullException.ThrowIfNull(record);
        foreach (var key in Keys)
        {
            if (!key.Matches(record))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The response identifier for a matching entity: every key of the identifier with the entity's value, or
    /// empty where the entity has none; all values of a multi-valued attribute (C.2.2.3); for a sequence key with
    /// item keys, the entity's items that match them, each holding only the requested attributes (C.2.2.2.6), and
    /// for one without, the entity's whole sequence. Values are copied as encoded, so the response carries the
    /// entity's Specific Character Set; the identifier's Query/Retrieve Level is carried over too.
    /// </summary>
    public DicomDataset BuildResponse(DicomDataset record)
    {
        ArgumentNullException.ThrowIfNull(record);
        // The character set goes in first, so that the items of sequences added after it inherit it.
        var response = new DicomDataset();
        if (record.GetElement(DicomTags.SpecificCharacterSet) is { } characterSet)
        {
            response.Add(characterSet);
        }

        if (Identifier.GetElement(DicomTags.QueryRetrieveLevel) is { } level)
        {
            response.Add(level);
        }

        return AddKeys(record, response);
    }

    /// <summary>Whether an element of an identifier is a key (rather than Specific Character Set, the level, a group length or a private creator).</summary>
    internal static bool IsKey(DicomTag tag) =>
        tag != DicomTags.SpecificCharacterSet
        && tag != DicomTags.QueryRetrieveLevel
        && !tag.IsGroupLength
        && !tag.IsPrivateCreator
        && tag.Group is not (0x0000 or 0x0002);

    private DicomDataset BuildItem(DicomDataset record) => AddKeys(record, new DicomDataset());

    private DicomDataset AddKeys(DicomDataset record, DicomDataset response)
    {
        foreach (var creator in Identifier.Where(element => element.Tag.IsPrivateCreator))
        {
            response.Add(creator);
        }

        foreach (var key in Keys)
        {
            response.Add(ResponseElement(key, record));
        }

        return response;
    }

    private static DicomElement ResponseElement(DicomQueryKey key, DicomDataset record)
    {
        var element = record.GetElement(key.Tag);
        if (key.ItemMatcher is { } items)
        {
            var matching = element is DicomSequence sequence
                ? sequence.Items.Where(items.Matches).Select(items.BuildItem)
                : [];
            return new DicomSequence(key.Tag, matching);
        }

        return element switch
        {
            DicomSequence sequence => new DicomSequence(key.Tag, sequence.Items.Select(item => item.Clone())),
            null when key.VR == DicomVR.SQ => new DicomSequence(key.Tag),
            null => new DicomValueElement(key.Tag, key.VR, ReadOnlyMemory<byte>.Empty),
            _ => element,
        };
    }
}
