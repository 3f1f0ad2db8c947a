namespace Gateway.Dicom;

// Placeholder until the dictionary branch lands (that file replaces this one).
public static class DicomDictionary
{
    private static readonly Dictionary<uint, DicomVR> Known = new()
    {
        [0x00080005] = DicomVR.CS, [0x00080016] = DicomVR.UI, [0x00080018] = DicomVR.UI, [0x00080060] = DicomVR.CS,
        [0x00100010] = DicomVR.PN, [0x00100020] = DicomVR.LO, [0x0020000D] = DicomVR.UI, [0x0020000E] = DicomVR.UI,
        [0x00280002] = DicomVR.US, [0x00280004] = DicomVR.CS, [0x00280006] = DicomVR.US, [0x00280008] = DicomVR.IS,
        [0x00280010] = DicomVR.US, [0x00280011] = DicomVR.US, [0x00280100] = DicomVR.US, [0x00280101] = DicomVR.US,
        [0x00280102] = DicomVR.US, [0x00280103] = DicomVR.US, [0x7FE00010] = DicomVR.OW, [0x00082112] = DicomVR.SQ,
        [0x00081140] = DicomVR.SQ, [0x00081150] = DicomVR.UI, [0x00081155] = DicomVR.UI, [0x00082111] = DicomVR.ST,
        [0x00282110] = DicomVR.CS, [0x00282112] = DicomVR.DS, [0x00282114] = DicomVR.CS,
    };

    public static DicomDictionaryEntry? Lookup(DicomTag tag, string? privateCreator = null)
    {
        _ = privateCreator;
        return Known.ContainsKey(tag.Value) ? new DicomDictionaryEntry(tag.ToHexString()) : null;
    }

    public static DicomVR ImplicitVR(DicomTag tag, string? privateCreator)
    {
        _ = privateCreator;
        if (tag.IsGroupLength)
        {
            return DicomVR.UL;
        }

        if (tag.IsPrivateCreator)
        {
            return DicomVR.LO;
        }

        return Known.TryGetValue(tag.Value, out var vr) ? vr : DicomVR.UN;
    }
}

public sealed record DicomDictionaryEntry(string Keyword);
