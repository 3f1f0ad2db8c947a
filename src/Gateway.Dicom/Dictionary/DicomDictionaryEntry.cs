using System.Globalization;

namespace Gateway.Dicom;

/// <summary>What the data dictionary knows of one data element, or of a family of them (a repeating group, a private element).</summary>
public sealed class DicomDictionaryEntry
{
    internal DicomDictionaryEntry(
        DicomTag tag, uint mask, string keyword, IReadOnlyList<DicomVR> vrs, DicomValueMultiplicity vm, bool isRetired, string? privateCreator)
    {
        Tag = tag;
        Mask = mask;
        Keyword = keyword;
        VRs = vrs;
        VM = vm;
        IsRetired = isRetired;
        PrivateCreator = privateCreator;
    }

    /// <summary>
    /// The tag. For a repeating entry it is the lowest tag of the family, e.g. (6000,3000) for Overlay Data;
    /// for a private entry it is written in block 10, (gggg,10ee).
    /// </summary>
    public DicomTag Tag { get; }

    /// <summary>
    /// The bits of a tag that are fixed for this entry; the others vary. 0xFFFFFFFF for a single tag,
    /// 0xFF01FFFF for a repeating group (60xx,eeee) that takes the even groups, 0xFFFFFF01 for (0020,31xx),
    /// 0xFFFF00FF for a private element in whichever block its creator reserved.
    /// </summary>
    public uint Mask { get; }

    /// <summary>The keyword of PS3.6 (for a private element, the name DCMTK's private dictionary gives it).</summary>
    public string Keyword { get; }

    /// <summary>
    /// The VRs the element may have; the first is the default, the one to assume in Implicit VR Little Endian
    /// (see <see cref="DicomDictionary.ImplicitVR"/>). Empty for the item and delimitation tags, which have no VR.
    /// </summary>
    public IReadOnlyList<DicomVR> VRs { get; }

    public DicomValueMultiplicity VM { get; }

    public bool IsRetired { get; }

    /// <summary>The private creator that defines the element, or null for a standard element.</summary>
    public string? PrivateCreator { get; }

    /// <summary>The tag with 'x' for each hex digit that varies, e.g. "(60xx,3000)", "(0029,xx10)".</summary>
    public string TagPattern
    {
        get
        {
            var digits = Tag.ToHexString().ToCharArray();
            for (var i = 0; i < digits.Length; i++)
            {
                var nibbleMask = (Mask >> (28 - (4 * i))) & 0xF;
                if (nibbleMask != 0xF)
                {
                    digits[i] = 'x';
                }
            }

            return string.Create(CultureInfo.InvariantCulture, $"({digits.AsSpan(0, 4)},{digits.AsSpan(4, 4)})");
        }
    }

    /// <summary>Whether <paramref name="tag"/> is one of the tags this entry describes (the private creator is not checked).</summary>
    public bool Matches(DicomTag tag) => (tag.Value & Mask) == (Tag.Value & Mask);

    public override string ToString() =>
        $"{TagPattern} {(VRs.Count == 0 ? "--" : string.Join('/', VRs))} {VM} {Keyword}{(IsRetired ? " (retired)" : string.Empty)}";
}
