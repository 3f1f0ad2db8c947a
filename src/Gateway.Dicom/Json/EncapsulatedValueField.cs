using System.Buffers.Binary;

namespace Gateway.Dicom.Json;

/// <summary>
/// The Value Field of encapsulated pixel data as PS3.5 A.4 lays it out: an item (FFFE,E000) holding the Basic Offset
/// Table, then one item per fragment. The closing Sequence Delimitation Item is not part of it (pydicom's JSON writes
/// the same bytes). This is what "InlineBinary" carries for encapsulated pixel data (PS3.18 F.2.7: the base64 of the
/// attribute's Value Field) when no BulkDataURI is given.
/// </summary>
internal static class EncapsulatedValueField
{
    private const int ItemHeaderLength = 8;

    public static byte[] Encode(DicomFragmentSequence fragments)
    {
        var length = ItemLength(fragments.BasicOffsetTable.Length);
        foreach (var fragment in fragments.Fragments)
        {
            length += ItemLength(fragment.Length);
        }

        var bytes = new byte[length];
        var offset = WriteItem(bytes, 0, fragments.BasicOffsetTable.Span);
        foreach (var fragment in fragments.Fragments)
        {
            offset = WriteItem(bytes, offset, fragment.Span);
        }

        return bytes;
    }

    /// <summary>
    /// Parses bytes as a run of items ending exactly at the end (an optional trailing Sequence Delimitation Item is
    /// accepted). False when they are not laid out that way.
    /// </summary>
    public static bool TryDecode(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> value, out DicomFragmentSequence fragments)
    {
        fragments = null!;
        var span = value.Span;
        var items = new List<ReadOnlyMemory<byte>>();
        var offset = 0;
        while (offset < span.Length)
        {
            if (span.Length - offset < ItemHeaderLength)
            {
                return false;
            }

            var group = BinaryPrimitives.ReadUInt16LittleEndian(span[offset..]);
            var element = BinaryPrimitives.ReadUInt16LittleEndian(span[(offset + 2)..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(span[(offset + 4)..]);
            var itemTag = new DicomTag(group, element);
            offset += ItemHeaderLength;
            if (itemTag == DicomTag.SequenceDelimitationItem && length == 0 && offset == span.Length && items.Count > 0)
            {
                break;
            }

            if (itemTag != DicomTag.Item || length > (uint)(span.Length - offset))
            {
                return false;
            }

            items.Add(value.Slice(offset, (int)length));
            offset += (int)length;
        }

        if (items.Count == 0)
        {
            return false;
        }

        fragments = new DicomFragmentSequence(tag, vr, items[0], items.Skip(1));
        return true;
    }

    private static int ItemLength(int valueLength) => checked(ItemHeaderLength + valueLength + (valueLength & 1));

    private static int WriteItem(byte[] bytes, int offset, ReadOnlySpan<byte> value)
    {
        var span = bytes.AsSpan(offset);
        BinaryPrimitives.WriteUInt16LittleEndian(span, DicomTag.Item.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], DicomTag.Item.Element);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)(value.Length + (value.Length & 1)));
        value.CopyTo(span[ItemHeaderLength..]);
        return offset + ItemLength(value.Length);
    }
}
