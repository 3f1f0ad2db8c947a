using Gateway.Dicom.Text;

namespace Gateway.Dicom.IO;

/// <summary>
/// Parses data elements (PS3.5 section 7) from a <see cref="DicomInput"/>: explicit and implicit VR, both byte
/// orders, defined and undefined lengths, sequences, items and encapsulated pixel data. Every problem ends
/// in a <see cref="DicomParseException"/> that names the element and the offset.
/// </summary>
internal sealed class DicomDatasetReader(DicomReadOptions options, List<string> warnings)
{
    public const uint UndefinedLength = 0xFFFFFFFF;

    private enum Scope
    {
        TopLevel,
        DefinedLengthItem,
        UndefinedLengthItem,
    }

    /// <summary>Set when reading stopped at the top-level Pixel Data element; its offset in the input.</summary>
    public long? StoppedAtPixelData { get; private set; }

    /// <summary>Set when zero bytes follow the top-level data set (trailing padding): the offset where they begin.</summary>
    public long? TrailingPaddingAt { get; private set; }

    public DicomDataset ReadTopLevel(DicomInput input, DicomEncoding encoding)
    {
        var dataset = new DicomDataset();
        ReadElements(input, encoding, dataset, Scope.TopLevel, -1, 0);
        return dataset;
    }

    /// <summary>Reads the File Meta Information group (0002,xxxx), always explicit VR little endian.</summary>
    public DicomDataset ReadMetaGroup(DicomInput input)
    {
        var meta = new DicomDataset();
        var order = new OrderGuard();
        while (input.Ensure(8) && System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(input.Peek(2)) == 0x0002)
        {
            var start = input.Position;
            var tag = new DicomTag(input.ReadUInt16(false), input.ReadUInt16(false));
            var (vr, length, encoding) = ReadVRAndLength(input, DicomEncoding.ExplicitLittleEndian, tag, meta, start);
            order.Append(meta, ReadValue(input, encoding, tag, vr, length, meta, 0, start), start);
        }

        return meta;
    }

    private void ReadElements(DicomInput input, DicomEncoding encoding, DicomDataset target, Scope scope, long end, int depth)
    {
        var order = new OrderGuard();
        while (true)
        {
            if (scope == Scope.DefinedLengthItem)
            {
                if (input.Position == end)
                {
                    return;
                }

                if (input.Position > end)
                {
                    throw new DicomParseException($"An element ends at offset {input.Position}, past the end of its item at offset {end}.");
                }
            }
            else if (scope == Scope.TopLevel && IsZeroPadding(input.Peek(8)))
            {
                SkipTrailingPadding(input);
                return;
            }
            else if (scope == Scope.TopLevel && !input.Ensure(8))
            {
                var left = input.Peek(8).Length;
                if (left > 0)
                {
                    warnings.Add($"Ignored {left} trailing bytes at offset {input.Position} (too short for an element).");
                    input.Skip(left, "trailing bytes");
                }

                return;
            }

            var start = input.Position;
            var tag = new DicomTag(input.ReadUInt16(encoding.BigEndian), input.ReadUInt16(encoding.BigEndian));
            if (tag.Group == 0xFFFE)
            {
                var delimiterLength = input.ReadUInt32(encoding.BigEndian);
                if (tag == DicomTag.ItemDelimitationItem && scope == Scope.UndefinedLengthItem)
                {
                    return;
                }

                if (scope == Scope.TopLevel && (tag == DicomTag.SequenceDelimitationItem || tag == DicomTag.ItemDelimitationItem) && delimiterLength == 0)
                {
                    warnings.Add($"Ignored a stray delimitation item {tag} at offset {start}.");
                    continue;
                }

                throw new DicomParseException($"Unexpected {tag} (length {delimiterLength}) at offset {start}: items and delimiters belong inside a sequence.");
            }

            if (scope == Scope.TopLevel && options.StopBeforePixelData && tag >= DicomTags.PixelData)
            {
                StoppedAtPixelData = start;
                return;
            }

            var (vr, length, elementEncoding) = ReadVRAndLength(input, encoding, tag, target, start);
            var element = ReadValue(input, elementEncoding, tag, vr, length, target, depth, start);
            order.Append(target, element, start);
        }
    }

    /// <summary>
    /// Where a top-level element would begin, zero bytes (as many as are left, up to a tag and a length) start trailing
    /// padding: no data element begins with eight zero bytes, and some archives pad files to a block size with zeros,
    /// which DCMTK and pydicom ignore.
    /// </summary>
    private static bool IsZeroPadding(ReadOnlySpan<byte> next) => next.Length > 0 && !next.ContainsAnyExcept((byte)0);

    /// <summary>Consumes the padding to the end of the input; a non-zero byte in it means the bytes are not padding but damage.</summary>
    private void SkipTrailingPadding(DicomInput input)
    {
        const int Chunk = 1 << 16;
        var start = input.Position;
        while (input.Peek(Chunk) is { Length: > 0 } bytes)
        {
            var nonZero = bytes.IndexOfAnyExcept((byte)0);
            if (nonZero >= 0)
            {
                throw new DicomParseException($"Zero bytes from offset {start} are followed by a non-zero byte at offset {input.Position + nonZero}: they are neither a data element nor trailing padding.");
            }

            input.Skip(bytes.Length, "trailing padding");
        }

        TrailingPaddingAt = start;
        warnings.Add($"Ignored {input.Position - start} bytes of trailing zero padding at offset {start}.");
    }

    private (DicomVR VR, uint Length, DicomEncoding Encoding) ReadVRAndLength(DicomInput input, DicomEncoding encoding, DicomTag tag, DicomDataset target, long start)
    {
        if (encoding.ExplicitVR)
        {
            var code = input.Peek(2);
            if (code.Length == 2 && DicomVR.TryParse(code[0], code[1], out var vr))
            {
                input.Skip(2, "VR");
                if (!vr.HasLongExplicitLength)
                {
                    return (vr, input.ReadUInt16(encoding.BigEndian), encoding);
                }

                input.Skip(2, "reserved bytes");
                return (vr, input.ReadUInt32(encoding.BigEndian), encoding);
            }

            if (code.Length == 2 && IsUpperAsciiLetter(code[0]) && IsUpperAsciiLetter(code[1]))
            {
                // PS3.5 7.1.2: a VR this reader does not know is read with reserved bytes and a 32-bit length.
                warnings.Add($"Element {tag} at offset {start} has unknown VR '{(char)code[0]}{(char)code[1]}'; read as UN.");
                input.Skip(4, "VR and reserved bytes");
                return (DicomVR.UN, input.ReadUInt32(encoding.BigEndian), encoding);
            }

            warnings.Add($"Element {tag} at offset {start} is encoded with implicit VR inside an explicit VR data set.");
        }

        return (ImplicitVR(tag, target), input.ReadUInt32(encoding.BigEndian), encoding);
    }

    private DicomElement ReadValue(DicomInput input, DicomEncoding encoding, DicomTag tag, DicomVR vr, uint length, DicomDataset target, int depth, long start)
    {
        if (length == UndefinedLength)
        {
            if (vr == DicomVR.OB || vr == DicomVR.OW || (tag == DicomTags.PixelData && vr != DicomVR.SQ))
            {
                return ReadFragments(input, tag, vr == DicomVR.OW ? DicomVR.OW : DicomVR.OB);
            }

            if (vr == DicomVR.SQ || vr == DicomVR.UN || !encoding.ExplicitVR)
            {
                // PS3.5 6.2.2: UN of undefined length holds a sequence encoded in implicit VR little endian.
                var itemEncoding = vr == DicomVR.SQ ? encoding : DicomEncoding.ImplicitLittleEndian;
                return ReadSequence(input, itemEncoding, tag, length, target, depth, start);
            }

            throw new DicomParseException($"Element {tag} VR {vr} at offset {start} has an undefined length, which only SQ, UN, OB and OW may have.");
        }

        if (vr == DicomVR.SQ)
        {
            return ReadSequence(input, encoding, tag, length, target, depth, start);
        }

        var value = input.ReadBytes(length, (tag, vr, start), static element => $"Element {element.tag} VR {element.vr} at offset {element.start}");
        if (encoding.BigEndian && vr.UnitSize > 1)
        {
            ByteSwap.InPlace(value, vr.UnitSize);
        }

        return vr == DicomVR.UN ? ResolveUnknown(tag, value, target, depth, start) : new DicomValueElement(tag, vr, value);
    }

    /// <summary>
    /// A UN element whose tag the dictionary knows is given its real VR (its bytes are implicit VR little endian);
    /// a known sequence is parsed as one. The value bytes are unchanged either way.
    /// </summary>
    private DicomElement ResolveUnknown(DicomTag tag, byte[] value, DicomDataset target, int depth, long start)
    {
        var known = ImplicitVR(tag, target);
        if (known == DicomVR.UN)
        {
            return new DicomValueElement(tag, DicomVR.UN, value);
        }

        if (known != DicomVR.SQ)
        {
            return new DicomValueElement(tag, known, value);
        }

        try
        {
            var nested = new DicomInput(new MemoryStream(value, writable: false));
            return ReadSequence(nested, DicomEncoding.ImplicitLittleEndian, tag, (uint)value.Length, target, depth, 0);
        }
        catch (DicomParseException exception)
        {
            warnings.Add($"Element {tag} at offset {start} is UN and should be a sequence, but its bytes do not parse as one ({exception.Message}); kept as UN.");
            return new DicomValueElement(tag, DicomVR.UN, value);
        }
    }

    private DicomSequence ReadSequence(DicomInput input, DicomEncoding encoding, DicomTag tag, uint length, DicomDataset parent, int depth, long start)
    {
        if (depth + 1 > options.MaxSequenceDepth)
        {
            throw new DicomParseException($"Sequence {tag} at offset {start} is nested deeper than {options.MaxSequenceDepth} levels.");
        }

        var definedLength = length != UndefinedLength;
        if (definedLength && input.Remaining is long remaining && length > remaining)
        {
            throw new DicomParseException($"Sequence {tag} at offset {start} declares a length of {length} bytes, but only {remaining} bytes remain.");
        }

        var end = definedLength ? input.Position + length : -1;
        var sequence = new DicomSequence(tag) { UndefinedLength = !definedLength, ItemsUndefinedLength = false };
        var characterSet = parent.CharacterSet;
        while (!definedLength || input.Position < end)
        {
            var itemStart = input.Position;
            var itemTag = new DicomTag(input.ReadUInt16(encoding.BigEndian), input.ReadUInt16(encoding.BigEndian));
            var itemLength = input.ReadUInt32(encoding.BigEndian);
            if (itemTag == DicomTag.SequenceDelimitationItem)
            {
                if (definedLength)
                {
                    if (input.Position != end)
                    {
                        // Length and delimiter disagree, so one of them lies. Accepting the delimiter would make the
                        // outcome depend on whether the stream's length is known (only then is a length past the end
                        // caught first): a file taken from the network could then fail to open from disk.
                        throw new DicomParseException($"Sequence {tag} at offset {start} declares a length of {length} bytes, ending at offset {end}, but a sequence delimitation item ends it at offset {input.Position}.");
                    }

                    warnings.Add($"Sequence {tag} of defined length contains a sequence delimitation item at offset {itemStart}.");
                }

                return sequence;
            }

            if (itemTag != DicomTag.Item)
            {
                throw new DicomParseException($"Sequence {tag}: expected an item (FFFE,E000) at offset {itemStart}, found {itemTag}.");
            }

            var item = new DicomDataset { InheritedCharacterSet = characterSet };
            if (itemLength == UndefinedLength)
            {
                ReadElements(input, encoding, item, Scope.UndefinedLengthItem, -1, depth + 1);
                sequence.ItemsUndefinedLength = true;
            }
            else
            {
                if (input.Remaining is long left && itemLength > left)
                {
                    throw new DicomParseException($"Item of sequence {tag} at offset {itemStart} declares a length of {itemLength} bytes, but only {left} bytes remain.");
                }

                ReadElements(input, encoding, item, Scope.DefinedLengthItem, input.Position + itemLength, depth + 1);
            }

            sequence.Items.Add(item);
        }

        if (input.Position > end)
        {
            throw new DicomParseException($"Sequence {tag} at offset {start}: its items end at offset {input.Position}, past its declared end at {end}.");
        }

        return sequence;
    }

    private static DicomFragmentSequence ReadFragments(DicomInput input, DicomTag tag, DicomVR vr)
    {
        ReadOnlyMemory<byte> offsetTable = default;
        var fragments = new List<ReadOnlyMemory<byte>>();
        var first = true;
        while (true)
        {
            var itemStart = input.Position;
            var itemTag = new DicomTag(input.ReadUInt16(false), input.ReadUInt16(false));
            var itemLength = input.ReadUInt32(false);
            if (itemTag == DicomTag.SequenceDelimitationItem)
            {
                return new DicomFragmentSequence(tag, vr, offsetTable, fragments);
            }

            if (itemTag != DicomTag.Item)
            {
                throw new DicomParseException($"Encapsulated {tag}: expected a fragment item (FFFE,E000) at offset {itemStart}, found {itemTag}.");
            }

            if (itemLength == UndefinedLength)
            {
                throw new DicomParseException($"Encapsulated {tag}: the fragment at offset {itemStart} has an undefined length.");
            }

            var bytes = input.ReadBytes(itemLength, $"Fragment of {tag} at offset {itemStart}");
            if (first)
            {
                offsetTable = bytes;
                first = false;
            }
            else
            {
                fragments.Add(bytes);
            }
        }
    }

    private static DicomVR ImplicitVR(DicomTag tag, DicomDataset target)
    {
        var creator = target.GetPrivateCreator(tag);

        var vr = DicomDictionary.ImplicitVR(tag, creator);

        // "US or SS" elements (pixel values, LUT descriptors) follow Pixel Representation (PS3.6 note on xs).
        if (vr == DicomVR.US && target.GetValueOrDefault(DicomTags.PixelRepresentation, 0) == 1
            && DicomDictionary.Lookup(tag, creator)?.VRs.Contains(DicomVR.SS) == true)
        {
            return DicomVR.SS;
        }

        return vr;
    }

    private static bool IsUpperAsciiLetter(byte value) => value is >= (byte)'A' and <= (byte)'Z';

    /// <summary>
    /// Appends the elements of one data set as they are read. Elements out of ascending tag order are tolerated, but
    /// each costs an insertion that moves the elements after it, so a file of descending tags would take quadratic
    /// time (a 1 MB file about 8 s): past <see cref="MaxOutOfOrderElements"/> of them the data set is rejected.
    /// </summary>
    private struct OrderGuard
    {
        /// <summary>None of the real files in the test corpus has a single one.</summary>
        public const int MaxOutOfOrderElements = 256;

        private DicomTag? _highest;
        private int _outOfOrder;

        public void Append(DicomDataset target, DicomElement element, long start)
        {
            if (_highest is DicomTag highest && element.Tag <= highest && ++_outOfOrder > MaxOutOfOrderElements)
            {
                throw new DicomParseException($"Element {element.Tag} at offset {start} is the {_outOfOrder}th element of its data set out of ascending tag order; more than {MaxOutOfOrderElements} are not accepted.");
            }

            if (_highest is null || element.Tag > _highest)
            {
                _highest = element.Tag;
            }

            target.AppendOrdered(element);
        }
    }
}
