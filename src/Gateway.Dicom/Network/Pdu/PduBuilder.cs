using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Gateway.Dicom.Network.Pdu;

/// <summary>Writes big-endian PDU fields and items with back-patched lengths.</summary>
internal sealed class PduBuilder
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    public int Position => _buffer.WrittenCount;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.WrittenMemory;

    public void UInt8(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void UInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
    }

    public void UInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void Bytes(ReadOnlySpan<byte> value) => _buffer.Write(value);

    public void Zeros(int count) => _buffer.Write(new byte[count]);

    /// <summary>An AE title: 16 bytes, space padded (PS3.8 9.3.2).</summary>
    public void AETitle(string title)
    {
        Span<byte> field = stackalloc byte[16];
        field.Fill((byte)' ');
        Encoding.ASCII.GetBytes(title.AsSpan(0, Math.Min(16, title.Length)), field);
        Bytes(field);
    }

    /// <summary>A 16-bit length placeholder; returns its position for <see cref="PatchLength16"/>.</summary>
    public int Length16()
    {
        var position = Position;
        UInt16(0);
        return position;
    }

    public int Length32()
    {
        var position = Position;
        UInt32(0);
        return position;
    }

    /// <summary>Sets a 16-bit length to the bytes written since it.</summary>
    public void PatchLength16(int position)
    {
        var length = Position - position - 2;
        if (length > ushort.MaxValue)
        {
            throw new DicomNetworkException($"A PDU item of {length} bytes exceeds the 65535 bytes a 16-bit length can hold.");
        }

        BinaryPrimitives.WriteUInt16BigEndian(Span(position, 2), (ushort)length);
    }

    public void PatchLength32(int position) =>
        BinaryPrimitives.WriteUInt32BigEndian(Span(position, 4), (uint)(Position - position - 4));

    /// <summary>An item of type <paramref name="type"/>: type, reserved byte, 16-bit length, ASCII value.</summary>
    public void StringItem(byte type, string value)
    {
        UInt8(type);
        UInt8(0);
        var length = Length16();
        Bytes(Encoding.ASCII.GetBytes(value));
        PatchLength16(length);
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    private Span<byte> Span(int position, int length) =>
        System.Runtime.InteropServices.MemoryMarshal.AsMemory(_buffer.WrittenMemory).Span.Slice(position, length);
}
