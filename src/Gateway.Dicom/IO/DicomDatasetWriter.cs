using System.Buffers;
using System.Buffers.Binary;

namespace Gateway.Dicom.IO;

/// <summary>
/// Encodes data sets (PS3.5 section 7) in a given encoding. Sequences and items keep the length form they were
/// read with (defined lengths are computed), odd-length values are padded as their VR requires, and a value too
/// long for a 16-bit explicit length is written as UN, as PS3.5 6.2.2 allows.
/// </summary>
internal sealed class DicomDatasetWriter(Stream output, DicomEncoding encoding)
{
    private const uint UndefinedLength = 0xFFFFFFFF;
    private readonly byte[] _header = new byte[12];

    public void WriteDataset(DicomDataset dataset)
    {
        foreach (var element in dataset)
        {
            WriteElement(element, dataset);
        }
    }

    /// <summary>Bytes the data set occupies when encoded (for defined-length items and the meta group length).</summary>
    public long DatasetLength(DicomDataset dataset)
    {
        long total = 0;
        foreach (var element in dataset)
        {
            total += ElementLength(element, dataset);
        }

        return total;
    }

    private void WriteElement(DicomElement element, DicomDataset owner)
    {
        switch (element)
        {
            case DicomValueElement value:
                WriteValue(value);
                break;
            case DicomSequence sequence:
                WriteSequence(sequence, UndefinedLengthFor(sequence, owner));
                break;
            case DicomFragmentSequence fragments:
                WriteFragments(fragments);
                break;
            default:
                throw new DicomException($"Element {element.Tag} is a {element.GetType().Name}, which has no value to encode (an unresolved bulk data reference?).");
        }
    }

    private void WriteValue(DicomValueElement element)
    {
        var vr = EffectiveVR(element);
        var span = element.Value.Span;
        var length = (uint)(span.Length + (span.Length & 1));
        WriteHeader(element.Tag, vr, length);
        if (encoding.BigEndian && vr.UnitSize > 1 && span.Length > 0)
        {
            var swapped = ArrayPool<byte>.Shared.Rent(span.Length);
            try
            {
                span.CopyTo(swapped);
                ByteSwap.InPlace(swapped.AsSpan(0, span.Length), vr.UnitSize);
                output.Write(swapped, 0, span.Length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(swapped);
            }
        }
        else
        {
            output.Write(span);
        }

        if ((span.Length & 1) == 1)
        {
            output.WriteByte(element.VR.Padding);
        }
    }

    private void WriteSequence(DicomSequence sequence, bool undefinedLength)
    {
        WriteHeader(sequence.Tag, DicomVR.SQ, undefinedLength ? UndefinedLength : checked((uint)SequenceValueLength(sequence)));
        foreach (var item in sequence.Items)
        {
            WriteDelimiter(DicomTag.Item, sequence.ItemsUndefinedLength ? UndefinedLength : checked((uint)DatasetLength(item)));
            WriteDataset(item);
            if (sequence.ItemsUndefinedLength)
            {
                WriteDelimiter(DicomTag.ItemDelimitationItem, 0);
            }
        }

        if (undefinedLength)
        {
            WriteDelimiter(DicomTag.SequenceDelimitationItem, 0);
        }
    }

    private void WriteFragments(DicomFragmentSequence fragments)
    {
        WriteHeader(fragments.Tag, fragments.VR, UndefinedLength);
        WriteFragment(fragments.BasicOffsetTable.Span);
        foreach (var fragment in fragments.Fragments)
        {
            WriteFragment(fragment.Span);
        }

        WriteDelimiter(DicomTag.SequenceDelimitationItem, 0);
    }

    private void WriteFragment(ReadOnlySpan<byte> fragment)
    {
        WriteDelimiter(DicomTag.Item, (uint)(fragment.Length + (fragment.Length & 1)));
        output.Write(fragment);
        if ((fragment.Length & 1) == 1)
        {
            output.WriteByte(0);
        }
    }

    private void WriteHeader(DicomTag tag, DicomVR vr, uint length)
    {
        var header = _header.AsSpan();
        WriteUInt16(header, tag.Group);
        WriteUInt16(header[2..], tag.Element);
        if (!encoding.ExplicitVR)
        {
            WriteUInt32(header[4..], length);
            output.Write(header[..8]);
            return;
        }

        header[4] = (byte)vr.Code[0];
        header[5] = (byte)vr.Code[1];
        if (vr.HasLongExplicitLength)
        {
            header[6] = 0;
            header[7] = 0;
            WriteUInt32(header[8..], length);
            output.Write(header[..12]);
        }
        else
        {
            WriteUInt16(header[6..], (ushort)length);
            output.Write(header[..8]);
        }
    }

    private void WriteDelimiter(DicomTag tag, uint length)
    {
        var header = _header.AsSpan(0, 8);
        WriteUInt16(header, tag.Group);
        WriteUInt16(header[2..], tag.Element);
        WriteUInt32(header[4..], length);
        output.Write(header);
    }

    private long ElementLength(DicomElement element, DicomDataset owner)
    {
        switch (element)
        {
            case DicomValueElement value:
                var vr = EffectiveVR(value);
                return HeaderLength(vr) + value.Length + (value.Length & 1);
            case DicomSequence sequence:
                return HeaderLength(DicomVR.SQ) + SequenceValueLength(sequence) + (UndefinedLengthFor(sequence, owner) ? 8 : 0);
            case DicomFragmentSequence fragments:
                var total = HeaderLength(fragments.VR) + 8 + fragments.BasicOffsetTable.Length + (fragments.BasicOffsetTable.Length & 1) + 8;
                foreach (var fragment in fragments.Fragments)
                {
                    total += 8 + fragment.Length + (fragment.Length & 1);
                }

                return total;
            default:
                throw new DicomException($"Element {element.Tag} is a {element.GetType().Name}, which has no value to encode (an unresolved bulk data reference?).");
        }
    }

    /// <summary>Length of a sequence's items, without the sequence delimiter.</summary>
    private long SequenceValueLength(DicomSequence sequence)
    {
        long total = 0;
        foreach (var item in sequence.Items)
        {
            total += 8 + DatasetLength(item) + (sequence.ItemsUndefinedLength ? 8 : 0);
        }

        return total;
    }

    /// <summary>
    /// A sequence keeps the length form it was read with, except that in implicit VR a sequence the dictionary
    /// cannot name (an unknown private one) gets an undefined length: that is how readers recognise it as one.
    /// </summary>
    private bool UndefinedLengthFor(DicomSequence sequence, DicomDataset owner)
    {
        if (sequence.UndefinedLength || encoding.ExplicitVR)
        {
            return sequence.UndefinedLength;
        }

        var tag = sequence.Tag;
        var creator = owner.GetPrivateCreator(tag);

        return DicomDictionary.ImplicitVR(tag, creator) != DicomVR.SQ;
    }

    private int HeaderLength(DicomVR vr) => !encoding.ExplicitVR ? 8 : vr.HasLongExplicitLength ? 12 : 8;

    /// <summary>The VR to write: a value too long for a 16-bit length cannot keep a short-length VR in explicit VR.</summary>
    private DicomVR EffectiveVR(DicomValueElement element) =>
        encoding.ExplicitVR && !element.VR.HasLongExplicitLength && element.Length > 0xFFFE ? DicomVR.UN : element.VR;

    private void WriteUInt16(Span<byte> destination, ushort value)
    {
        if (encoding.BigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(destination, value);
        }
    }

    private void WriteUInt32(Span<byte> destination, uint value)
    {
        if (encoding.BigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination, value);
        }
    }
}
