using System.Buffers.Binary;
using System.Text;

namespace Gateway.Compression.Container;

/// <summary>Reads little-endian fields of a container body in order; running past the end is <see cref="LatentContainerError.Corrupt"/>.</summary>
internal ref struct ContainerReader(ReadOnlySpan<byte> body)
{
    private readonly ReadOnlySpan<byte> _body = body;
    private int _position;

    public readonly bool AtEnd => _position == _body.Length;

    public ReadOnlySpan<byte> Bytes(int count, string field)
    {
        if (count < 0 || count > _body.Length - _position)
        {
            throw new LatentContainerException(
                LatentContainerError.Corrupt, $"The container's {field} ({count} bytes at offset {_position}) runs past its end.");
        }

        var bytes = _body.Slice(_position, count);
        _position += count;
        return bytes;
    }

    public byte Byte(string field) => Bytes(1, field)[0];

    public ushort UInt16(string field) => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2, field));

    public int Int32(string field)
    {
        var value = BinaryPrimitives.ReadInt32LittleEndian(Bytes(4, field));
        return value >= 0 ? value : throw new LatentContainerException(LatentContainerError.Corrupt, $"The container's {field} is negative ({value}).");
    }

    public float Single(string field) => BinaryPrimitives.ReadSingleLittleEndian(Bytes(4, field));

    public double Double(string field) => BinaryPrimitives.ReadDoubleLittleEndian(Bytes(8, field));

    public string String(string field) => Encoding.UTF8.GetString(Bytes(UInt16(field), field));
}
