using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Gateway.Dicom.Tests.Robustness;

/// <summary>
/// Applies one <see cref="MutationKind"/> to a file, chosen and placed by a seeded <see cref="Random"/> so every
/// mutated file can be rebuilt from its seed file and case seed. Each call returns the new bytes and a line
/// that says what was done where.
/// </summary>
internal sealed class Mutator(Random random)
{
    private static readonly MutationKind[] AllKinds = Enum.GetValues<MutationKind>();

    private static readonly string[] AllVRs =
    [
        "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT", "OB", "OD", "OF", "OL", "OV", "OW", "PN",
        "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV",
    ];

    private static readonly uint[] HugeLengths = [0xFFFFFFF0, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFF1, 0x40000000, 0x7FFFFFC7];

    private static readonly string[] GarbageUids =
    [
        "", "1", "1.2.3.4", "1.2.840.10008.1.2.4.999", "1.2.840.10008.1.2.1.99.1", "1.2.840.10008.1.2\0\0", " 1.2.840.10008.1.2.1",
        "1.2.840.10008.1.2.1.99 ", "ISO_IR 100", new string('9', 64), new string('1', 200),
    ];

    public (byte[] Bytes, string Description) Apply(FileLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentOutOfRangeException.ThrowIfZero(layout.File.Length);
        var kind = PickKind(layout);
        var (bytes, description) = kind switch
        {
            MutationKind.SwapTransferSyntax => SwapTransferSyntax(layout),
            MutationKind.MetaGroupLengthLie => MetaGroupLengthLie(layout),
            MutationKind.StripPreamble => StripPreamble(layout),
            MutationKind.DeflateCorruption => DeflateCorruption(layout),
            _ => ApplyToRegion(kind, PickRegion(layout)),
        };
        return (bytes, $"{kind}: {description}");
    }

    private MutationKind PickKind(FileLayout layout)
    {
        while (true)
        {
            var kind = layout.Deflated && random.Next(4) == 0 ? MutationKind.DeflateCorruption : AllKinds[random.Next(AllKinds.Length)];
            var applicable = kind switch
            {
                MutationKind.SwapTransferSyntax => layout.FindMeta(0x0010) is { End: > 0 } ts && ts.Length != LayoutEntry.UndefinedLength && ts.End <= layout.File.Length,
                MutationKind.MetaGroupLengthLie => layout.FindMeta(0x0000) is { Length: 4 } groupLength && groupLength.ValueOffset + 4 <= layout.File.Length,
                MutationKind.DeflateCorruption => layout.Deflated && layout.DatasetOffset < layout.File.Length,
                _ => true,
            };
            if (applicable)
            {
                return kind;
            }
        }
    }

    private Region PickRegion(FileLayout layout)
    {
        if (layout.Deflated && layout.Inflated is { Length: > 0 } inflated && random.Next(4) != 0)
        {
            return new Region("inflated data set", inflated, layout.Dataset, layout.DatasetExplicitVR, layout.DatasetBigEndian, bytes => layout.WithDataset(bytes));
        }

        var entries = layout.Deflated ? layout.Meta : [.. layout.Meta, .. layout.Dataset];
        return new Region("file", layout.File, entries, layout.DatasetExplicitVR, layout.DatasetBigEndian, bytes => bytes);
    }

    private (byte[] Bytes, string Description) ApplyToRegion(MutationKind kind, Region region)
    {
        var data = region.Bytes;
        var entry = region.Entries.Count > 0 ? region.Entries[random.Next(region.Entries.Count)] : null;
        (byte[] Bytes, string Description) result = (kind, entry) switch
        {
            (MutationKind.TruncateAtBoundary, not null) => TruncateAtBoundary(data, entry),
            (MutationKind.HugeLength, not null) => SetLength(data, entry, entry.LengthSize == 4 ? Pick(HugeLengths) : Pick<uint>([0xFFFF, 0xFFFE, 0x8000, 0xFFF1])),
            (MutationKind.UndefinedLength, not null) => UndefinedLength(data, region),
            (MutationKind.OddLength, not null) => OddLength(data, entry),
            (MutationKind.LengthPastEnd, not null) => LengthPastEnd(data, entry),
            (MutationKind.LengthShift, not null) => LengthShift(data, entry),
            (MutationKind.CorruptVR, not null) => CorruptVR(data, region),
            (MutationKind.CorruptTag, not null) => CorruptTag(data, entry),
            (MutationKind.InsertDelimiter, not null) => InsertDelimiter(data, region, entry),
            (MutationKind.RemoveDelimiter, not null) => RemoveDelimiter(data, region),
            (MutationKind.DuplicateElement, not null) => DuplicateElement(data, region, entry),
            (MutationKind.DeleteElement, not null) => DeleteElement(data, entry),
            (MutationKind.InjectDeepNesting, not null) => InjectDeepNesting(data, region, entry),
            (MutationKind.InjectForgedElement, not null) => InjectForgedElement(data, region, entry),
            (MutationKind.DuplicateBlock, _) => DuplicateBlock(data, region),
            (MutationKind.DeleteBlock, _) => DeleteBlock(data, region),
            (MutationKind.BitFlips, _) => BitFlips(data, region),
            (MutationKind.Truncate, _) => Truncate(data, region),
            _ => ByteFlips(data, region),
        };
        return (region.Reassemble(result.Bytes), $"{region.Name}: {result.Description}");
    }

    private (byte[], string) Truncate(byte[] data, Region region)
    {
        var offset = StructuralOffset(data, region);
        return (data[..offset], $"cut at 0x{offset:X} of 0x{data.Length:X}");
    }

    private (byte[], string) TruncateAtBoundary(byte[] data, LayoutEntry entry)
    {
        var headerLength = entry.ValueOffset - entry.Offset;
        long[] candidates = [entry.Offset, entry.Offset + 1 + random.Next(headerLength - 1), entry.ValueOffset, entry.End, entry.End - 1];
        var offset = (int)Math.Clamp(candidates[random.Next(candidates.Length)], 0, data.Length);
        return (data[..offset], $"cut at 0x{offset:X} ({entry})");
    }

    private static (byte[], string) SetLength(byte[] data, LayoutEntry entry, uint value)
    {
        var copy = (byte[])data.Clone();
        var field = copy.AsSpan(entry.LengthOffset, entry.LengthSize);
        if (entry.LengthSize == 2)
        {
            var shortValue = (ushort)Math.Min(value, ushort.MaxValue);
            if (entry.BigEndian)
            {
                BinaryPrimitives.WriteUInt16BigEndian(field, shortValue);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(field, shortValue);
            }

            value = shortValue;
        }
        else if (entry.BigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(field, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(field, value);
        }

        return (copy, $"length of {entry} := 0x{value:X}");
    }

    private (byte[], string) UndefinedLength(byte[] data, Region region)
    {
        // Prefer elements that may not have an undefined length: values, fragments, defined-length items.
        var targets = region.Entries.Where(entry => entry.LengthSize == 4 && entry.VR != "SQ" && entry.Length != LayoutEntry.UndefinedLength).ToList();
        var entry = targets.Count > 0 ? Pick(targets) : Pick(region.Entries);
        return SetLength(data, entry, LayoutEntry.UndefinedLength);
    }

    private (byte[], string) OddLength(byte[] data, LayoutEntry entry)
    {
        var length = entry.Length == LayoutEntry.UndefinedLength ? (uint)random.Next(0, 64) : entry.Length;
        var step = length % 2 == 0 ? 1u : 2u;
        var value = random.Next(2) == 0 || length < step ? length + step : length - step;
        return SetLength(data, entry, value);
    }

    private (byte[], string) LengthPastEnd(byte[] data, LayoutEntry entry)
    {
        var left = (long)data.Length - entry.ValueOffset;
        var value = random.Next(3) switch
        {
            0 => left + 1,
            1 => left + random.Next(2, 64),
            _ => left * 2 + 1,
        };
        return SetLength(data, entry, (uint)Math.Min(value, uint.MaxValue - 1));
    }

    private (byte[], string) LengthShift(byte[] data, LayoutEntry entry)
    {
        if (entry.Length == LayoutEntry.UndefinedLength || random.Next(5) == 0)
        {
            return SetLength(data, entry, random.Next(3) == 0 ? 0u : (uint)random.Next(0, 64));
        }

        var delta = random.Next(1, 17) * (random.Next(2) == 0 ? -1 : 1);
        return SetLength(data, entry, (uint)Math.Max(0, (long)entry.Length + delta));
    }

    private (byte[], string) CorruptVR(byte[] data, Region region)
    {
        var explicitEntries = region.Entries.Where(entry => entry.VROffset >= 0).ToList();
        if (explicitEntries.Count == 0)
        {
            return ByteFlips(data, region);
        }

        var entry = Pick(explicitEntries);
        var code = random.Next(6) switch
        {
            0 or 1 => Encoding.ASCII.GetBytes(Pick(AllVRs)),
            2 => Encoding.ASCII.GetBytes(Pick(["SQ", "UN", "OB", "UT"])),
            3 => [(byte)random.Next('A', 'Z' + 1), (byte)random.Next('A', 'Z' + 1)],
            4 => Encoding.ASCII.GetBytes((entry.VR ?? "xx").ToLowerInvariant()),
            _ => [(byte)random.Next(256), (byte)random.Next(256)],
        };
        var copy = (byte[])data.Clone();
        code.CopyTo(copy.AsSpan(entry.VROffset, 2));
        return (copy, $"VR of {entry} := {Printable(code)}");
    }

    private (byte[], string) CorruptTag(byte[] data, LayoutEntry entry)
    {
        (ushort Group, ushort Element) tag = random.Next(12) switch
        {
            0 => (0xFFFE, 0xE000),
            1 => (0xFFFE, 0xE00D),
            2 => (0xFFFE, 0xE0DD),
            3 => (0xFFFE, (ushort)random.Next(0x10000)),
            4 => (0x0002, (ushort)random.Next(0x20)),
            5 => (0x7FE0, 0x0010),
            6 => (0x0008, 0x0005),
            7 => (0x0008, 0x1140),
            8 => ((ushort)Math.Max(0, entry.Group - 1), entry.Element),
            9 => (0x0009, (ushort)random.Next(0x10, 0x1100)),
            10 => (0x0000, 0x0000),
            _ => ((ushort)random.Next(0x10000), (ushort)random.Next(0x10000)),
        };
        var copy = (byte[])data.Clone();
        WriteUInt16(copy, entry.Offset, tag.Group, entry.BigEndian);
        WriteUInt16(copy, entry.Offset + 2, tag.Element, entry.BigEndian);
        return (copy, $"tag of {entry} := ({tag.Group:X4},{tag.Element:X4})");
    }

    private (byte[], string) InsertDelimiter(byte[] data, Region region, LayoutEntry entry)
    {
        ushort element = Pick<ushort>([0xE000, 0xE00D, 0xE0DD]);
        var length = random.Next(4) switch
        {
            0 => 0u,
            1 => LayoutEntry.UndefinedLength,
            2 => 0xFFFFFFF0u,
            _ => (uint)random.Next(0, 256),
        };
        var offset = Boundary(data, entry);
        var inserted = DicomBytes.Delimiter(element, length, region.BigEndian);
        return (Splice(data, offset, 0, inserted), $"inserted (FFFE,{element:X4}) length 0x{length:X} at 0x{offset:X}");
    }

    private (byte[], string) RemoveDelimiter(byte[] data, Region region)
    {
        var targets = region.Entries.Where(entry => entry.Kind != EntryKind.Element).ToList();
        if (targets.Count == 0)
        {
            return DeleteElement(data, Pick(region.Entries));
        }

        var entry = Pick(targets);
        var whole = entry.Kind == EntryKind.Fragment && random.Next(2) == 0 && entry.End > entry.Offset && entry.End <= data.Length;
        var count = whole ? (int)(entry.End - entry.Offset) : 8;
        return (Splice(data, entry.Offset, count, []), $"removed {(whole ? "whole" : "header of")} {entry}");
    }

    private (byte[], string) DuplicateElement(byte[] data, Region region, LayoutEntry entry)
    {
        if (entry.End < 0 || entry.End > data.Length || entry.End - entry.Offset > (1 << 20))
        {
            return DuplicateBlock(data, region);
        }

        var copy = data.AsSpan(entry.Offset, (int)(entry.End - entry.Offset)).ToArray();
        var target = random.Next(2) == 0 ? (int)entry.End : Boundary(data, Pick(region.Entries));
        return (Splice(data, target, 0, copy), $"copied {entry} ({copy.Length} bytes) to 0x{target:X}");
    }

    private static (byte[], string) DeleteElement(byte[] data, LayoutEntry entry)
    {
        var end = entry.End < 0 || entry.End > data.Length ? data.Length : (int)entry.End;
        return (Splice(data, entry.Offset, end - entry.Offset, []), $"deleted {entry} (0x{entry.Offset:X}..0x{end:X})");
    }

    private (byte[], string) DuplicateBlock(byte[] data, Region region)
    {
        var from = StructuralOffset(data, region);
        var count = Math.Min(data.Length - from, random.Next(1, random.Next(2) == 0 ? 64 : 4096));
        var to = StructuralOffset(data, region);
        var block = data.AsSpan(from, count).ToArray();
        return (Splice(data, to, 0, block), $"copied 0x{from:X}+{count} to 0x{to:X}");
    }

    private (byte[], string) DeleteBlock(byte[] data, Region region)
    {
        var from = StructuralOffset(data, region);
        var count = Math.Min(data.Length - from, random.Next(1, random.Next(2) == 0 ? 16 : 4096));
        return (Splice(data, from, count, []), $"deleted 0x{from:X}+{count}");
    }

    private (byte[], string) ByteFlips(byte[] data, Region region)
    {
        var copy = (byte[])data.Clone();
        var changes = new List<string>();
        for (var i = random.Next(1, 9); i > 0 && copy.Length > 0; i--)
        {
            var offset = Math.Min(StructuralOffset(copy, region), copy.Length - 1);
            copy[offset] = (byte)random.Next(256);
            changes.Add($"[0x{offset:X}]={copy[offset]:X2}");
        }

        return (copy, string.Join(' ', changes));
    }

    private (byte[], string) BitFlips(byte[] data, Region region)
    {
        var copy = (byte[])data.Clone();
        var changes = new List<string>();
        for (var i = random.Next(1, 9); i > 0 && copy.Length > 0; i--)
        {
            var offset = Math.Min(StructuralOffset(copy, region), copy.Length - 1);
            var bit = random.Next(8);
            copy[offset] ^= (byte)(1 << bit);
            changes.Add($"[0x{offset:X}]^=bit{bit}");
        }

        return (copy, string.Join(' ', changes));
    }

    private (byte[], string) InjectDeepNesting(byte[] data, Region region, LayoutEntry entry)
    {
        var depth = Pick([2, 63, 64, 65, 200, 2000]);
        var forms = region.ExplicitVR && !region.BigEndian ? Enum.GetValues<NestingForm>() : [NestingForm.UndefinedLengths, NestingForm.DefinedLengths];
        var form = Pick(forms);
        var nested = NestedSequences.Build(depth, form, region.ExplicitVR, region.BigEndian);
        var offset = Boundary(data, entry);
        return (Splice(data, offset, 0, nested), $"inserted {depth} nested sequences ({form}, {nested.Length} bytes) at 0x{offset:X}");
    }

    private (byte[], string) InjectForgedElement(byte[] data, Region region, LayoutEntry entry)
    {
        var writer = new DicomBytes(region.ExplicitVR, region.BigEndian);
        string what;
        switch (random.Next(5))
        {
            case 0:
                var vr = Pick(["OB", "UN", "UT", "OW"]);
                var length = Pick(HugeLengths);
                writer.ElementHeader(0x0009, 0x1010, vr, length).Raw(RandomBytes(16));
                what = $"(0009,1010) {vr} length 0x{length:X}";
                break;
            case 1:
                writer.ElementHeader(0x7FE0, 0x0010, "OB", DicomBytes.UndefinedLength).DelimiterHeader(0xE000, 0).DelimiterHeader(0xE000, 0x7FFFFFFF).Raw(RandomBytes(8));
                what = "encapsulated pixel data with a 0x7FFFFFFF fragment";
                break;
            case 2:
                writer.ElementHeader(0x0010, 0x0010, "PN", 7).Raw("ABCDEFG"u8);
                what = "(0010,0010) PN of odd length 7";
                break;
            case 3:
                writer.ElementHeader(0x0008, 0x1140, "SQ", 0xFFFFFFF0).DelimiterHeader(0xE000, DicomBytes.UndefinedLength).Text(0x0008, 0x0060, "CS", "CT");
                what = "SQ of length 0xFFFFFFF0 holding an unterminated item";
                break;
            default:
                writer.ElementHeader(0x0008, 0x0005, "CS", 10).Raw("ISO 2022\u001b$"u8);
                what = "Specific Character Set holding an escape sequence fragment";
                break;
        }

        var offset = Boundary(data, entry);
        return (Splice(data, offset, 0, writer.ToArray()), $"inserted {what} at 0x{offset:X}");
    }

    private (byte[], string) SwapTransferSyntax(FileLayout layout)
    {
        var entry = layout.FindMeta(0x0010)!;
        var uid = random.Next(3) switch
        {
            0 or 1 => Pick(DicomTransferSyntax.Known.Select(syntax => syntax.Uid).Order(StringComparer.Ordinal).ToArray()),
            _ => Pick(GarbageUids),
        };
        var value = random.Next(8) == 0 ? RandomBytes(random.Next(1, 65)) : Encoding.ASCII.GetBytes(uid);
        if (value.Length % 2 == 1 && random.Next(4) != 0)
        {
            value = [.. value, 0];
        }

        var element = new DicomBytes(true, false).ElementHeader(0x0002, 0x0010, "UI", (uint)value.Length).Raw(value).ToArray();
        var mutated = Splice(layout.File, entry.Offset, (int)(entry.End - entry.Offset), element);
        var fixGroupLength = random.Next(2) == 0 && layout.FindMeta(0x0000) is { Length: 4 } lengthEntry && lengthEntry.ValueOffset + 4 <= entry.Offset;
        if (fixGroupLength)
        {
            var groupLength = layout.FindMeta(0x0000)!;
            var old = BinaryPrimitives.ReadUInt32LittleEndian(mutated.AsSpan(groupLength.ValueOffset));
            BinaryPrimitives.WriteUInt32LittleEndian(mutated.AsSpan(groupLength.ValueOffset), (uint)(old + element.Length - (entry.End - entry.Offset)));
        }

        return (mutated, $"transfer syntax := {Printable(value)}{(fixGroupLength ? " (group length adjusted)" : "")}");
    }

    private (byte[], string) MetaGroupLengthLie(FileLayout layout)
    {
        var entry = layout.FindMeta(0x0000)!;
        var actual = BinaryPrimitives.ReadUInt32LittleEndian(layout.File.AsSpan(entry.ValueOffset));
        var value = random.Next(6) switch
        {
            0 => 0u,
            1 => (uint)random.Next(1, 12),
            2 => actual + (uint)random.Next(1, 64),
            3 => actual - (uint)Math.Min(actual, (uint)random.Next(1, 64)),
            4 => Pick<uint>([0xFFFFFFFF, 0x7FFFFFFF, 0xFFFFFFF0]),
            _ => (uint)random.Next(),
        };
        var copy = (byte[])layout.File.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(entry.ValueOffset), value);
        return (copy, $"meta group length {actual} := {value}");
    }

    private (byte[], string) StripPreamble(FileLayout layout)
    {
        var file = layout.File;
        if (layout.MetaOffset == 0)
        {
            return ([.. new byte[128], .. "DICM"u8, .. file], "added preamble and DICM");
        }

        return (layout.MetaOffset, random.Next(4)) switch
        {
            (132, 0) => (file[128..], "removed the preamble"),
            (132, 1) => (file[132..], "removed preamble and DICM"),
            (132, 2) => ([.. file[..128], .. "DICN"u8, .. file[132..]], "DICM := DICN"),
            (132, _) => ([.. RandomBytes(random.Next(1, 128)), .. file[128..]], "preamble shortened to junk"),
            _ => (file[layout.MetaOffset..], "removed DICM"),
        };
    }

    private (byte[], string) DeflateCorruption(FileLayout layout)
    {
        var file = layout.File;
        var start = layout.DatasetOffset;
        var compressedLength = file.Length - start;
        var near = start + random.Next(Math.Min(compressedLength, 64));
        var anywhere = start + random.Next(compressedLength);
        switch (random.Next(7))
        {
            case 0:
                var flipped = (byte[])file.Clone();
                flipped[near] = (byte)random.Next(256);
                return (flipped, $"compressed byte 0x{near:X} := {flipped[near]:X2}");
            case 1:
                var flips = (byte[])file.Clone();
                for (var i = 0; i < 4; i++)
                {
                    flips[start + random.Next(compressedLength)] ^= (byte)(1 << random.Next(8));
                }

                return (flips, "4 bit flips in the compressed stream");
            case 2:
                return (file[..anywhere], $"compressed stream cut at 0x{anywhere:X}");
            case 3:
                return ([.. file[..start], 0x78, 0x9C, .. file[start..]], "zlib header put before the raw deflate stream");
            case 4:
                return (Splice(file, anywhere, 0, RandomBytes(random.Next(1, 64))), $"junk inserted into the compressed stream at 0x{anywhere:X}");
            case 5:
                return ([.. file[..start], .. RandomBytes(random.Next(1, 4096))], "compressed stream replaced by random bytes");
            default:
                var zeroed = (byte[])file.Clone();
                var count = Math.Min(file.Length - anywhere, random.Next(1, 256));
                zeroed.AsSpan(anywhere, count).Clear();
                return (zeroed, $"0x{anywhere:X}+{count} of the compressed stream zeroed");
        }
    }

    /// <summary>Mostly an offset inside or just after some header (where a change matters), sometimes anywhere.</summary>
    private int StructuralOffset(byte[] data, Region region)
    {
        if (data.Length == 0)
        {
            return 0;
        }

        if (region.Entries.Count > 0 && random.Next(5) != 0)
        {
            var entry = Pick(region.Entries);
            var span = entry.ValueOffset - entry.Offset + (int)Math.Min(entry.Length, 16u);
            return Math.Min(entry.Offset + random.Next(span), data.Length - 1);
        }

        return random.Next(data.Length);
    }

    /// <summary>The start or the end of an element, inside the data.</summary>
    private int Boundary(byte[] data, LayoutEntry entry) =>
        random.Next(2) == 0 || entry.End < 0 || entry.End > data.Length ? entry.Offset : (int)entry.End;

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Splice(byte[] data, int offset, int removeCount, ReadOnlySpan<byte> insert) =>
        [.. data.AsSpan(0, offset), .. insert, .. data.AsSpan(offset + removeCount)];

    private static void WriteUInt16(byte[] data, int offset, ushort value, bool bigEndian)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(offset), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(offset), value);
        }
    }

    private static string Printable(byte[] bytes) =>
        bytes.All(b => b is >= 0x20 and < 0x7F) ? $"'{Encoding.ASCII.GetString(bytes)}'" : Convert.ToHexString(bytes);

    /// <summary>A part of the file the structural mutations work on, and how to put a mutated copy back into a file.</summary>
    private sealed record Region(string Name, byte[] Bytes, IReadOnlyList<LayoutEntry> Entries, bool ExplicitVR, bool BigEndian, Func<byte[], byte[]> Reassemble);
}
