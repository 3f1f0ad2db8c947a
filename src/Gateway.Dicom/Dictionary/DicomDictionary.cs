namespace Gateway.Dicom;

/// <summary>
/// The DICOM data dictionary: standard data elements (PS3.6, from DCMTK's dicom.dic), repeating groups,
/// and private elements of known creators (DCMTK's private.dic). The tables are generated constants
/// (see tools/dictgen); nothing is loaded or built before the first lookup, and each entry is built
/// once, when first asked for.
/// </summary>
public static class DicomDictionary
{
    private static readonly DicomValueMultiplicity One = new(1, 1, 1, "1");

    /// <summary>
    /// The entry for a tag: a standard element, a repeating-group element such as (6002,3000), a group
    /// length (gggg,0000) or a private creator (gggg,0010-00FF). Private data elements need their creator:
    /// use <see cref="Lookup(DicomTag, string?)"/>. Null when the tag is unknown.
    /// </summary>
    public static DicomDictionaryEntry? Lookup(DicomTag tag) => Lookup(tag, privateCreator: null);

    /// <summary>
    /// As <see cref="Lookup(DicomTag)"/>, and for a private data element (gggg,bbee) the entry that the
    /// private creator of block bb defines; pass the creator's value (padding is ignored).
    /// </summary>
    public static DicomDictionaryEntry? Lookup(DicomTag tag, string? privateCreator)
    {
        if (tag.IsPrivate)
        {
            if (tag.IsGroupLength)
            {
                return RuleEntry(tag, DicomVR.UL, "PrivateGroupLength", isRetired: true);
            }

            if (tag.IsPrivateCreator)
            {
                return RuleEntry(tag, DicomVR.LO, "PrivateCreator", isRetired: false);
            }

            return privateCreator is null ? null : PrivateDictionary.Find(tag, privateCreator);
        }

        return StandardDictionary.Find(tag)
            ?? (tag.IsGroupLength ? RuleEntry(tag, DicomVR.UL, "GenericGroupLength", isRetired: true) : null);
    }

    /// <summary>
    /// The tag of a standard keyword (case-sensitive, as PS3.6 spells it, e.g. "PatientName"). A repeating
    /// group keyword gives the lowest tag of its family, e.g. "OverlayData" gives (6000,3000).
    /// </summary>
    public static bool TryGetTag(string keyword, out DicomTag tag)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        return StandardDictionary.TryGetTag(keyword, out tag);
    }

    /// <summary>
    /// The VR to assume for an element read in Implicit VR Little Endian: the dictionary's default VR.
    /// Group lengths are UL, private creators LO, and unknown elements (including private elements of an
    /// unknown creator, and the item/delimitation tags, which have no VR) UN.
    /// Where PS3.6 allows several VRs the default is:
    /// "US or SS" -> US (the reader should switch to SS when Pixel Representation (0028,0103) is 1);
    /// "OB or OW" (Pixel Data, Overlay Data, Waveform Data, ...) -> OW, as PS3.5 annex A.1 requires;
    /// "US or OW" (LUT Data) -> OW (16-bit words either way in little endian; a reader may refine it from LUT Descriptor);
    /// DICOMDIR offsets ("up" in DCMTK) -> UL.
    /// </summary>
    public static DicomVR ImplicitVR(DicomTag tag, string? privateCreator)
    {
        if (tag.IsGroupLength)
        {
            return DicomVR.UL;
        }

        if (tag.IsPrivateCreator)
        {
            return DicomVR.LO;
        }

        var entry = Lookup(tag, privateCreator);
        return entry is { VRs.Count: > 0 } ? entry.VRs[0] : DicomVR.UN;
    }

    private static DicomDictionaryEntry RuleEntry(DicomTag tag, DicomVR vr, string keyword, bool isRetired) =>
        new(tag, uint.MaxValue, keyword, [vr], One, isRetired, privateCreator: null);
}
