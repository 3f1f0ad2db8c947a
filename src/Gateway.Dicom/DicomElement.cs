namespace Gateway.Dicom;

/// <summary>A data element of a data set: a tag, a value representation and a value of some shape.</summary>
public abstract class DicomElement
{
    protected DicomElement(DicomTag tag, DicomVR vr)
    {
        ArgumentNullException.ThrowIfNull(vr);
        Tag = tag;
        VR = vr;
    }

    public DicomTag Tag { get; }

    public DicomVR VR { get; }

    public override string ToString() => $"{Tag} {VR}";
}

/// <summary>
/// An element holding its value as bytes, exactly as encoded, but always in little-endian byte order
/// (values read from big-endian data are swapped per <see cref="DicomVR.UnitSize"/>). Text values keep
/// their padding; typed views are in <see cref="DicomDataset"/>.
/// </summary>
public sealed class DicomValueElement : DicomElement
{
    public DicomValueElement(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> value)
        : base(tag, vr)
    {
        if (vr.Kind == VRKind.Sequence)
        {
            throw new ArgumentException($"{tag}: a sequence is a {nameof(DicomSequence)}, not a value element.", nameof(vr));
        }

        Value = value;
    }

    /// <summary>The value bytes in little-endian byte order.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    public int Length => Value.Length;
}

/// <summary>A sequence of items (SQ); each item is a data set.</summary>
public sealed class DicomSequence : DicomElement
{
    public DicomSequence(DicomTag tag, IEnumerable<DicomDataset>? items = null)
        : base(tag, DicomVR.SQ)
    {
        Items = items is null ? [] : [.. items];
    }

    public List<DicomDataset> Items { get; }

    /// <summary>
    /// Whether the sequence was read with (or should be written with) an undefined length and a
    /// sequence delimitation item. Keeping the form read lets a file be written back byte for byte.
    /// </summary>
    public bool UndefinedLength { get; set; } = true;

    /// <summary>Whether its items were read with (or should be written with) undefined length and item delimiters.</summary>
    public bool ItemsUndefinedLength { get; set; } = true;
}

/// <summary>
/// Encapsulated pixel data (PS3.5 A.4): the Basic Offset Table item followed by the fragments, as encoded.
/// </summary>
public sealed class DicomFragmentSequence : DicomElement
{
    public DicomFragmentSequence(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> basicOffsetTable, IEnumerable<ReadOnlyMemory<byte>> fragments)
        : base(tag, vr)
    {
        ArgumentNullException.ThrowIfNull(fragments);
        BasicOffsetTable = basicOffsetTable;
        Fragments = [.. fragments];
    }

    /// <summary>The value of the first item: empty, or one 32-bit little-endian offset per frame.</summary>
    public ReadOnlyMemory<byte> BasicOffsetTable { get; set; }

    public List<ReadOnlyMemory<byte>> Fragments { get; }
}
