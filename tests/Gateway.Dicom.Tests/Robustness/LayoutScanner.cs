using System.Buffers.Binary;

namespace Gateway.Dicom.Tests.Robustness;

/// <summary>
/// A deliberately simple, tolerant walk over DICOM-encoded bytes that lists every header it can find (elements,
/// items, delimiters, fragments). It never throws and stops at the first thing it cannot make sense of; it only
/// tells the mutator where to aim, so it shares no code with the reader under test.
/// </summary>
internal static class LayoutScanner
{
    private const int MaxEntries = 20_000;

    private static readonly HashSet<string> KnownShortVRs =
        ["AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US"];

    private enum FrameKind
    {
        Sequence,
        Fragments,
        Item,
    }

    /// <summary>
    /// Scans from <paramref name="position"/>; with <paramref name="onlyGroup"/> stops at the first element of
    /// another group (for the meta group). Returns the offset where scanning stopped.
    /// </summary>
    public static int Scan(byte[] data, int position, bool explicitVR, bool bigEndian, List<LayoutEntry> entries, ushort? onlyGroup = null)
    {
        var frames = new Stack<Frame>();
        while (position + 8 <= data.Length && entries.Count < MaxEntries)
        {
            while (frames.TryPeek(out var open) && open.End >= 0 && position >= open.End)
            {
                frames.Pop();
            }

            var current = frames.TryPeek(out var top) ? top : null;
            var big = current?.BigEndian ?? bigEndian;
            var isExplicit = current?.ExplicitVR ?? explicitVR;
            var group = UInt16(data, position, big);
            var element = UInt16(data, position + 2, big);
            if (onlyGroup is ushort only && group != only)
            {
                break;
            }

            if (group == 0xFFFE)
            {
                if (!ScanDelimiter(data, ref position, element, isExplicit, big, current, frames, entries))
                {
                    break;
                }

                continue;
            }

            var entry = ReadElementHeader(data, position, group, element, isExplicit, big);
            if (entry is null)
            {
                break;
            }

            entries.Add(entry);
            if (entry.Length == LayoutEntry.UndefinedLength)
            {
                entry.IsContainer = true;
                var fragments = entry.VR is "OB" or "OW" || (entry.VR is null && group == 0x7FE0 && element == 0x0010);
                var implicitInside = entry.VR == "UN";
                frames.Push(new Frame(fragments ? FrameKind.Fragments : FrameKind.Sequence, entries.Count - 1, -1,
                    !implicitInside && isExplicit, !implicitInside && big));
                position = entry.ValueOffset;
                continue;
            }

            var end = (long)entry.ValueOffset + entry.Length;
            entry.End = end;
            var unknownVR = entry.VR is null or "UN";
            if (entry.VR == "SQ" || (unknownVR && StartsWithItem(data, entry.ValueOffset, entry.VR == "UN" ? false : big)))
            {
                entry.IsContainer = true;
                frames.Push(new Frame(FrameKind.Sequence, entries.Count - 1, end,
                    entry.VR != "UN" && isExplicit, entry.VR != "UN" && big));
                position = entry.ValueOffset;
                continue;
            }

            if (end > data.Length)
            {
                break;
            }

            position = (int)end;
        }

        return position;
    }

    private static bool ScanDelimiter(byte[] data, ref int position, ushort element, bool isExplicit, bool big, Frame? current, Stack<Frame> frames, List<LayoutEntry> entries)
    {
        var length = UInt32(data, position + 4, big);
        var kind = element switch
        {
            0xE000 when current?.Kind == FrameKind.Fragments => EntryKind.Fragment,
            0xE000 => EntryKind.Item,
            0xE00D => EntryKind.ItemDelimiter,
            0xE0DD => EntryKind.SequenceDelimiter,
            _ => (EntryKind?)null,
        };
        if (kind is not EntryKind entryKind)
        {
            return false;
        }

        var entry = new LayoutEntry
        {
            Kind = entryKind,
            Group = 0xFFFE,
            Element = element,
            Offset = position,
            VROffset = -1,
            LengthOffset = position + 4,
            LengthSize = 4,
            ValueOffset = position + 8,
            Length = length,
            BigEndian = big,
        };
        entries.Add(entry);
        switch (entryKind)
        {
            case EntryKind.Fragment:
                if (length == LayoutEntry.UndefinedLength || position + 8L + length > data.Length)
                {
                    return false;
                }

                entry.End = position + 8L + length;
                position = (int)entry.End;
                return true;
            case EntryKind.Item:
                entry.IsContainer = true;
                entry.End = length == LayoutEntry.UndefinedLength ? -1 : position + 8L + length;
                frames.Push(new Frame(FrameKind.Item, entries.Count - 1, entry.End, isExplicit, big));
                break;
            case EntryKind.ItemDelimiter:
                Close(frames, entries, position + 8, kind => kind == FrameKind.Item);
                break;
            default:
                Close(frames, entries, position + 8, kind => kind != FrameKind.Item);
                break;
        }

        position += 8;
        return true;
    }

    /// <summary>Pops frames up to the innermost one <paramref name="closes"/> accepts, recording where it ends.</summary>
    private static void Close(Stack<Frame> frames, List<LayoutEntry> entries, int end, Func<FrameKind, bool> closes)
    {
        if (!frames.Any(frame => closes(frame.Kind)))
        {
            return;
        }

        while (frames.TryPop(out var frame))
        {
            if (closes(frame.Kind))
            {
                if (entries[frame.Entry].End < 0)
                {
                    entries[frame.Entry].End = end;
                }

                return;
            }
        }
    }

    private static LayoutEntry? ReadElementHeader(byte[] data, int position, ushort group, ushort element, bool isExplicit, bool big)
    {
        string? vr = null;
        int lengthOffset;
        int lengthSize;
        int header;
        if (isExplicit && IsUpper(data[position + 4]) && IsUpper(data[position + 5]))
        {
            vr = string.Create(2, (data[position + 4], data[position + 5]), (span, pair) => (span[0], span[1]) = ((char)pair.Item1, (char)pair.Item2));
            if (KnownShortVRs.Contains(vr))
            {
                (lengthOffset, lengthSize, header) = (position + 6, 2, 8);
            }
            else
            {
                (lengthOffset, lengthSize, header) = (position + 8, 4, 12);
            }
        }
        else
        {
            (lengthOffset, lengthSize, header) = (position + 4, 4, 8);
        }

        if (position + header > data.Length)
        {
            return null;
        }

        var length = lengthSize == 2 ? UInt16(data, lengthOffset, big) : UInt32(data, lengthOffset, big);
        return new LayoutEntry
        {
            Kind = EntryKind.Element,
            Group = group,
            Element = element,
            Offset = position,
            VROffset = vr is null ? -1 : position + 4,
            LengthOffset = lengthOffset,
            LengthSize = lengthSize,
            ValueOffset = position + header,
            Length = length,
            BigEndian = big,
            VR = vr,
        };
    }

    private static bool StartsWithItem(byte[] data, int offset, bool big) =>
        offset + 4 <= data.Length && UInt16(data, offset, big) == 0xFFFE && UInt16(data, offset + 2, big) == 0xE000;

    private static bool IsUpper(byte value) => value is >= (byte)'A' and <= (byte)'Z';

    private static ushort UInt16(byte[] data, int offset, bool big) =>
        big ? BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(offset)) : BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(offset));

    private static uint UInt32(byte[] data, int offset, bool big) =>
        big ? BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset)) : BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset));

    private sealed record Frame(FrameKind Kind, int Entry, long End, bool ExplicitVR, bool BigEndian);
}
