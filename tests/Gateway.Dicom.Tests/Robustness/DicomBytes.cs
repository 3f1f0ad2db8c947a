using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Gateway.Dicom.Tests.Robustness;

/// <summary>
/// Encodes DICOM element headers byte by byte, independently of the library's writer, so tests can build inputs
/// that no correct writer produces (forged lengths, thousands of nesting levels, delimiters in odd places).
/// </summary>
internal sealed class DicomBytes(bool explicitVR, bool bigEndian)
{
    public const uint UndefinedLength = 0xFFFFFFFF;

    private static readonly HashSet<string> LongLengthVRs = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"];

    private readonly ArrayBufferWriter<byte> _bytes = new();

    public bool ExplicitVR => explicitVR;

    public bool BigEndian => bigEndian;

    public int Length => _bytes.WrittenCount;

    public static bool HasLongLength(string vr) => LongLengthVRs.Contains(vr);

    /// <summary>Bytes of an element header (tag, VR when explicit, length) in this encoding.</summary>
    public static byte[] Header(ushort group, ushort element, string vr, uint length, bool explicitVR, bool bigEndian)
    {
        var writer = new DicomBytes(explicitVR, bigEndian);
        writer.ElementHeader(group, element, vr, length);
        return writer.ToArray();
    }

    /// <summary>An item, item delimiter or sequence delimiter header: tag and 32-bit length, never a VR.</summary>
    public static byte[] Delimiter(ushort element, uint length, bool bigEndian)
    {
        var writer = new DicomBytes(false, bigEndian);
        writer.DelimiterHeader(element, length);
        return writer.ToArray();
    }

    public DicomBytes ElementHeader(ushort group, ushort element, string vr, uint length)
    {
        UInt16(group).UInt16(element);
        if (!explicitVR)
        {
            return UInt32(length);
        }

        Raw(Encoding.ASCII.GetBytes(vr));
        return HasLongLength(vr) ? UInt16(0).UInt32(length) : UInt16(checked((ushort)length));
    }

    public DicomBytes DelimiterHeader(ushort element, uint length) => UInt16(0xFFFE).UInt16(element).UInt32(length);

    /// <summary>A complete text element, padded to even length with spaces.</summary>
    public DicomBytes Text(ushort group, ushort element, string vr, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value.Length % 2 == 1 ? value + " " : value);
        return ElementHeader(group, element, vr, (uint)bytes.Length).Raw(bytes);
    }

    public DicomBytes UInt16(ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        }

        _bytes.Write(bytes);
        return this;
    }

    public DicomBytes UInt32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        }

        _bytes.Write(bytes);
        return this;
    }

    public DicomBytes Raw(ReadOnlySpan<byte> bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    public byte[] ToArray() => _bytes.WrittenSpan.ToArray();

    /// <summary>
    /// A Part 10 file: 128-byte preamble, "DICM", a meta group (group length, version, transfer syntax) and the
    /// data set, deflated (raw RFC 1951) when <paramref name="deflate"/> is set.
    /// </summary>
    public static byte[] Part10(string transferSyntaxUid, ReadOnlySpan<byte> dataset, bool deflate = false)
    {
        var meta = new DicomBytes(true, false);
        meta.ElementHeader(0x0002, 0x0001, "OB", 2).Raw([0, 1]);
        var uid = Encoding.ASCII.GetBytes(transferSyntaxUid);
        meta.ElementHeader(0x0002, 0x0010, "UI", (uint)(uid.Length + (uid.Length & 1))).Raw(uid);
        if ((uid.Length & 1) == 1)
        {
            meta.Raw([0]);
        }

        var metaBytes = meta.ToArray();
        var file = new DicomBytes(true, false);
        file.Raw(new byte[128]).Raw("DICM"u8);
        file.ElementHeader(0x0002, 0x0000, "UL", 4).UInt32((uint)metaBytes.Length).Raw(metaBytes);
        file.Raw(deflate ? Deflate(dataset) : dataset);
        return file.ToArray();
    }

    /// <summary>Raw Deflate (RFC 1951, no zlib header), as the Deflated Explicit VR Little Endian syntax requires.</summary>
    public static byte[] Deflate(ReadOnlySpan<byte> bytes)
    {
        using var compressed = new MemoryStream();
        using (var deflate = new DeflateStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(bytes);
        }

        return compressed.ToArray();
    }
}
