using System.Buffers.Binary;

namespace Gateway.Dicom.Imaging;

/// <summary>
/// The pixel data of a data set and the Image Pixel module attributes that describe it (PS3.3 C.7.6.3),
/// with access to each frame: a slice of native data, or the bytes of one encapsulated frame.
/// </summary>
public sealed class DicomPixelData
{
    private readonly DicomElement _element;
    private readonly IReadOnlyList<ReadOnlyMemory<byte>>? _encodedFrames;

    private DicomPixelData(DicomElement element, FrameInfo info, int frames, DicomTransferSyntax syntax, IReadOnlyList<ReadOnlyMemory<byte>>? encodedFrames)
    {
        _element = element;
        Info = info;
        NumberOfFrames = frames;
        TransferSyntax = syntax;
        _encodedFrames = encodedFrames;
    }

    public FrameInfo Info { get; }

    public int NumberOfFrames { get; }

    public DicomTransferSyntax TransferSyntax { get; }

    public bool IsEncapsulated => _encodedFrames is not null;

    /// <summary>Whether the data set has pixel data of any kind (integer, float or double float).</summary>
    public static bool HasPixelData(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return dataset.Contains(DicomTags.PixelData) || dataset.Contains(DicomTags.FloatPixelData) || dataset.Contains(DicomTags.DoubleFloatPixelData);
    }

    /// <summary>Reads the Image Pixel module of <paramref name="dataset"/> and locates its frames.</summary>
    /// <exception cref="DicomException">No pixel data, attributes missing or inconsistent with the data.</exception>
    public static DicomPixelData Create(DicomDataset dataset, DicomTransferSyntax syntax)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(syntax);
        var element = dataset.GetElement(DicomTags.PixelData)
            ?? dataset.GetElement(DicomTags.FloatPixelData)
            ?? dataset.GetElement(DicomTags.DoubleFloatPixelData)
            ?? throw new DicomException("The data set has no Pixel Data (7FE0,0010), Float Pixel Data or Double Float Pixel Data.");

        var info = ReadFrameInfo(dataset, element);
        var frames = ReadNumberOfFrames(dataset);
        switch (element)
        {
            case DicomFragmentSequence fragments:
                return new DicomPixelData(element, info, frames, syntax, EncapsulatedFrames.Split(fragments, dataset, frames, syntax));
            case DicomValueElement value:
                var needed = NativeLength(info, frames);
                if (value.Length < needed)
                {
                    throw new DicomException($"Pixel data holds {value.Length} bytes, but {frames} frame(s) of {info.Rows} x {info.Columns} x {info.SamplesPerPixel} samples at {info.BitsAllocated} bits need {needed}.");
                }

                return new DicomPixelData(element, info, frames, syntax, null);
            default:
                throw new DicomException($"Pixel data {element.Tag} is a {element.VR} element that holds no pixels.");
        }
    }

    /// <summary>The bytes of one native frame (stored values, little endian); for BitsAllocated 1 the bits of that frame.</summary>
    public ReadOnlyMemory<byte> GetNativeFrame(int index)
    {
        CheckIndex(index);
        if (_element is not DicomValueElement value)
        {
            throw new InvalidOperationException("Pixel data is encapsulated; use GetEncodedFrame.");
        }

        if (Info.BitsAllocated == 1)
        {
            return BitFrames.Extract(value.Value.Span, index, Info.PixelCount * Info.SamplesPerPixel);
        }

        var length = (int)StoredFrameLength(Info);
        return value.Value.Slice(index * length, length);
    }

    /// <summary>The compressed bitstream of one frame (its fragments concatenated).</summary>
    public ReadOnlyMemory<byte> GetEncodedFrame(int index)
    {
        CheckIndex(index);
        return _encodedFrames is null
            ? throw new InvalidOperationException("Pixel data is native; use GetNativeFrame.")
            : _encodedFrames[index];
    }

    private void CheckIndex(int index)
    {
        if (index < 0 || index >= NumberOfFrames)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The image has {NumberOfFrames} frame(s).");
        }
    }

    /// <summary>Whether native frames hold YBR_FULL_422: two luminance samples share one Cb and one Cr (PS3.3 C.7.6.3.1.2).</summary>
    public bool IsNativeYbr422 => !IsEncapsulated && IsYbr422(Info);

    private static bool IsYbr422(FrameInfo info) =>
        info.PhotometricInterpretation == "YBR_FULL_422" && info.SamplesPerPixel == 3 && info.Columns % 2 == 0;

    private static long StoredFrameLength(FrameInfo info) =>
        IsYbr422(info) ? info.NativeFrameLength / 3 * 2 : info.NativeFrameLength;

    private static long NativeLength(FrameInfo info, int frames) => info.BitsAllocated == 1
        ? ((long)info.PixelCount * info.SamplesPerPixel * frames + 7) / 8
        : StoredFrameLength(info) * frames;

    private static FrameInfo ReadFrameInfo(DicomDataset dataset, DicomElement element)
    {
        var rows = Required(dataset, DicomTags.Rows);
        var columns = Required(dataset, DicomTags.Columns);
        var bitsAllocated = element.Tag == DicomTags.FloatPixelData ? 32
            : element.Tag == DicomTags.DoubleFloatPixelData ? 64
            : Required(dataset, DicomTags.BitsAllocated);
        var bitsStored = dataset.GetValueOrDefault(DicomTags.BitsStored, bitsAllocated);
        var samples = dataset.GetValueOrDefault(DicomTags.SamplesPerPixel, 1);
        var signed = dataset.GetValueOrDefault(DicomTags.PixelRepresentation, 0) == 1;
        var photometric = dataset.GetString(DicomTags.PhotometricInterpretation)?.Trim() is { Length: > 0 } text
            ? text
            : samples == 1 ? "MONOCHROME2" : "RGB";
        var planar = dataset.GetValueOrDefault(DicomTags.PlanarConfiguration, 0) == 1 && samples > 1
            ? PlanarConfiguration.Planar
            : PlanarConfiguration.Interleaved;

        if (rows <= 0 || columns <= 0)
        {
            throw new DicomException($"Image size {rows} x {columns} is empty.");
        }

        if (bitsAllocated is not (1 or 8 or 16 or 32 or 64))
        {
            throw new DicomException($"Bits Allocated {bitsAllocated} is not 1, 8, 16, 32 or 64.");
        }

        if (bitsStored < 1 || bitsStored > bitsAllocated)
        {
            throw new DicomException($"Bits Stored {bitsStored} does not fit Bits Allocated {bitsAllocated}.");
        }

        if (samples is not (1 or 3 or 4))
        {
            throw new DicomException($"Samples per Pixel {samples} is not 1, 3 or 4.");
        }

        return new FrameInfo(rows, columns, samples, bitsAllocated, bitsStored, signed, photometric, planar);
    }

    private static int ReadNumberOfFrames(DicomDataset dataset)
    {
        var frames = dataset.GetValueOrDefault(DicomTags.NumberOfFrames, 1);
        return frames < 1 ? 1 : frames;
    }

    private static int Required(DicomDataset dataset, DicomTag tag) =>
        dataset.TryGetValue<int>(tag, 0, out var value)
            ? value
            : throw new DicomException($"The Image Pixel module lacks {tag}, which pixel data needs.");

    /// <summary>Frames of BitsAllocated 1 data are packed back to back, not byte aligned (PS3.5 8.1.1).</summary>
    private static class BitFrames
    {
        public static byte[] Extract(ReadOnlySpan<byte> all, int index, int bitsPerFrame)
        {
            var frame = new byte[(bitsPerFrame + 7) / 8];
            var start = (long)index * bitsPerFrame;
            if (start % 8 == 0)
            {
                all.Slice((int)(start / 8), frame.Length).CopyTo(frame);
                return frame;
            }

            for (var bit = 0; bit < bitsPerFrame; bit++)
            {
                var source = start + bit;
                if ((all[(int)(source >> 3)] >> (int)(source & 7) & 1) != 0)
                {
                    frame[bit >> 3] |= (byte)(1 << (bit & 7));
                }
            }

            return frame;
        }
    }

    /// <summary>Finds each frame's fragments: Extended Offset Table, Basic Offset Table, or the codec's start markers.</summary>
    private static class EncapsulatedFrames
    {
        public static List<ReadOnlyMemory<byte>> Split(DicomFragmentSequence sequence, DicomDataset dataset, int frames, DicomTransferSyntax syntax)
        {
            var fragments = sequence.Fragments;
            if (fragments.Count == 0)
            {
                throw new DicomException("Encapsulated pixel data has no fragments.");
            }

            if (dataset.GetElement(DicomTags.ExtendedOffsetTable) is DicomValueElement extended && extended.Length == frames * 8)
            {
                return ByOffsets(fragments, ReadOffsets(extended.Value.Span, 8), frames, "Extended Offset Table");
            }

            if (sequence.BasicOffsetTable.Length == frames * 4 && frames > 1)
            {
                return ByOffsets(fragments, ReadOffsets(sequence.BasicOffsetTable.Span, 4), frames, "Basic Offset Table");
            }

            if (frames == 1)
            {
                return [Concatenate(fragments, 0, fragments.Count)];
            }

            if (fragments.Count == frames)
            {
                return fragments;
            }

            return ByStartMarkers(fragments, frames, syntax);
        }

        private static long[] ReadOffsets(ReadOnlySpan<byte> table, int size)
        {
            var offsets = new long[table.Length / size];
            for (var i = 0; i < offsets.Length; i++)
            {
                offsets[i] = size == 8
                    ? (long)BinaryPrimitives.ReadUInt64LittleEndian(table[(i * 8)..])
                    : BinaryPrimitives.ReadUInt32LittleEndian(table[(i * 4)..]);
            }

            return offsets;
        }

        /// <summary>Offsets count from the first fragment's item tag; each item adds 8 header bytes.</summary>
        private static List<ReadOnlyMemory<byte>> ByOffsets(List<ReadOnlyMemory<byte>> fragments, long[] offsets, int frames, string table)
        {
            var starts = new long[fragments.Count];
            long position = 0;
            for (var i = 0; i < fragments.Count; i++)
            {
                starts[i] = position;
                position += 8 + fragments[i].Length + (fragments[i].Length & 1);
            }

            var result = new List<ReadOnlyMemory<byte>>(frames);
            for (var frame = 0; frame < frames; frame++)
            {
                var first = Array.IndexOf(starts, offsets[frame]);
                var end = frame + 1 < frames ? offsets[frame + 1] : position;
                if (first < 0 || end < offsets[frame])
                {
                    throw new DicomException($"The {table} gives offset {offsets[frame]} for frame {frame + 1}, which is not the start of a fragment.");
                }

                var last = first;
                while (last < fragments.Count && starts[last] < end)
                {
                    last++;
                }

                result.Add(Concatenate(fragments, first, last - first));
            }

            return result;
        }

        private static List<ReadOnlyMemory<byte>> ByStartMarkers(List<ReadOnlyMemory<byte>> fragments, int frames, DicomTransferSyntax syntax)
        {
            var result = new List<ReadOnlyMemory<byte>>(frames);
            var first = 0;
            for (var i = 1; i <= fragments.Count; i++)
            {
                if (i == fragments.Count || StartsFrame(fragments[i].Span, syntax))
                {
                    result.Add(Concatenate(fragments, first, i - first));
                    first = i;
                }
            }

            if (result.Count != frames)
            {
                throw new DicomException($"Encapsulated pixel data has {fragments.Count} fragments and no offset table, and {result.Count} frame start(s) were found for {frames} frame(s).");
            }

            return result;
        }

        private static bool StartsFrame(ReadOnlySpan<byte> fragment, DicomTransferSyntax syntax)
        {
            if (fragment.Length < 4)
            {
                return false;
            }

            if (fragment[0] == 0xFF && fragment[1] == 0xD8)
            {
                return true;
            }

            if (fragment[0] == 0xFF && fragment[1] == 0x4F && fragment[2] == 0xFF && fragment[3] == 0x51)
            {
                return true;
            }

            if (fragment.Length >= 12 && fragment[4..8].SequenceEqual("jP  "u8))
            {
                return true;
            }

            return syntax == DicomTransferSyntax.RleLossless && fragment.Length >= 64
                && BinaryPrimitives.ReadUInt32LittleEndian(fragment) is >= 1 and <= 15
                && BinaryPrimitives.ReadUInt32LittleEndian(fragment[4..]) == 64;
        }

        private static ReadOnlyMemory<byte> Concatenate(List<ReadOnlyMemory<byte>> fragments, int first, int count)
        {
            if (count == 1)
            {
                return fragments[first];
            }

            var length = 0;
            for (var i = first; i < first + count; i++)
            {
                length += fragments[i].Length;
            }

            var joined = new byte[length];
            var offset = 0;
            for (var i = first; i < first + count; i++)
            {
                fragments[i].Span.CopyTo(joined.AsSpan(offset));
                offset += fragments[i].Length;
            }

            return joined;
        }
    }
}
