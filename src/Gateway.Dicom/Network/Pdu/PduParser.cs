using System.Buffers.Binary;
using System.Text;

namespace Gateway.Dicom.Network.Pdu;

/// <summary>Reads big-endian PDU fields from a buffer; running past the end is a protocol error, never an exception of another kind.</summary>
internal ref struct PduParser(ReadOnlySpan<byte> data, string what)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly int Remaining => _data.Length - _position;

    public readonly bool AtEnd => _position >= _data.Length;

    public byte UInt8() => Take(1)[0];

    public ushort UInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint UInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public ReadOnlySpan<byte> Bytes(int count) => Take(count);

    public void Skip(int count) => Take(count);

    /// <summary>An ASCII value, trailing spaces and NULs removed.</summary>
    public string Ascii(int count) => Encoding.ASCII.GetString(Take(count)).TrimEnd(' ', '\0');

    /// <summary>An AE title field: 16 bytes, leading and trailing spaces insignificant.</summary>
    public string AETitle() => Ascii(16).Trim();

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new DicomProtocolException($"{what}: a field of {count} bytes at offset {_position} runs past the end ({_data.Length} bytes).");
        }

        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
