using System.Buffers.Binary;
using System.Text;

namespace Gateway.Dicom.Tests.Network;

/// <summary>
/// A Part 10 file split into its File Meta Information and the data set bytes that follow it, read with a few
/// lines of independent code (not the library under test) so stored files can be compared byte for byte.
/// </summary>
internal sealed record Part10Bytes(string TransferSyntaxUid, string SopClassUid, string SopInstanceUid, byte[] DataSet)
{
    private const int MetaStart = 132;

    public static Part10Bytes Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < MetaStart + 12 || Encoding.ASCII.GetString(bytes, 128, 4) != "DICM")
        {
            throw new InvalidDataException($"{path} is not a Part 10 file.");
        }

        var values = new Dictionary<ushort, string>();
        var position = MetaStart;
        var end = int.MaxValue;
        while (position < Math.Min(end, bytes.Length) && BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(position)) == 0x0002)
        {
            var element = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(position + 2));
            var vr = Encoding.ASCII.GetString(bytes, position + 4, 2);
            int length, header;
            if (vr is "OB" or "OW" or "UN" or "SQ" or "UT" or "UC" or "UR" or "OD" or "OF" or "OL" or "OV")
            {
                length = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(position + 8)));
                header = 12;
            }
            else
            {
                length = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(position + 6));
                header = 8;
            }

            var value = bytes.AsSpan(position + header, length);
            if (element == 0x0000)
            {
                end = position + header + length + (int)BinaryPrimitives.ReadUInt32LittleEndian(value);
            }
            else if (vr is "UI" or "AE")
            {
                values[element] = Encoding.ASCII.GetString(value).TrimEnd('\0', ' ');
            }

            position += header + length;
        }

        return new Part10Bytes(
            values.GetValueOrDefault((ushort)0x0010, string.Empty),
            values.GetValueOrDefault((ushort)0x0002, string.Empty),
            values.GetValueOrDefault((ushort)0x0003, string.Empty),
            bytes[position..]);
    }

    /// <summary>Where two data sets first differ, for failure messages (null when they are equal).</summary>
    public static string? FirstDifference(byte[] expected, byte[] actual)
    {
        if (expected.AsSpan().SequenceEqual(actual))
        {
            return null;
        }

        var common = expected.AsSpan().CommonPrefixLength(actual);
        return $"{expected.Length} vs {actual.Length} bytes, first difference at data set offset {common}";
    }
}
