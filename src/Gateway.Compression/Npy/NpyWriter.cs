using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Gateway.Compression.Npy;

/// <summary>
/// Writes NumPy .npy files, format version 1.0, for float32 little-endian arrays in C order ('&lt;f4'):
/// the magic "\x93NUMPY", version 1.0, a u16 header length, a Python dict literal padded with spaces and a newline so
/// that the data starts at a multiple of 64 bytes, then the values.
/// </summary>
public static class NpyWriter
{
    private const int Alignment = 64;
    private const int PreambleLength = 10;

    /// <summary>Writes <paramref name="values"/> with <paramref name="shape"/> (any rank; the product must equal the value count).</summary>
    public static void Write(Stream destination, ReadOnlySpan<int> shape, ReadOnlySpan<float> values)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(Header(shape, values.Length));
        var buffer = new byte[Math.Min(values.Length, 16384) * sizeof(float)];
        while (!values.IsEmpty)
        {
            var count = Math.Min(values.Length, buffer.Length / sizeof(float));
            for (var i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * sizeof(float)), values[i]);
            }

            destination.Write(buffer, 0, count * sizeof(float));
            values = values[count..];
        }
    }

    /// <summary>The whole file as bytes.</summary>
    public static byte[] ToBytes(ReadOnlySpan<int> shape, ReadOnlySpan<float> values)
    {
        using var stream = new MemoryStream();
        Write(stream, shape, values);
        return stream.ToArray();
    }

    /// <summary>The magic, version, length and padded dict that precede the values.</summary>
    public static byte[] Header(ReadOnlySpan<int> shape, int valueCount)
    {
        long count = 1;
        foreach (var dimension in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dimension, nameof(shape));
            count *= dimension;
        }

        if (count != valueCount)
        {
            throw new ArgumentException($"Shape ({string.Join(", ", shape.ToArray())}) holds {count} values, not {valueCount}.", nameof(shape));
        }

        var tuple = shape.Length == 1
            ? $"({shape[0].ToString(CultureInfo.InvariantCulture)},)"
            : $"({string.Join(", ", shape.ToArray().Select(d => d.ToString(CultureInfo.InvariantCulture)))})";
        var dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {tuple}, }}";
        var unpadded = PreambleLength + dict.Length + 1;
        var padded = (unpadded + Alignment - 1) / Alignment * Alignment;
        var headerText = dict + new string(' ', padded - unpadded) + "\n";
        if (headerText.Length > ushort.MaxValue)
        {
            throw new ArgumentException("The shape is too long for a version 1.0 header.", nameof(shape));
        }

        var header = new byte[padded];
        header[0] = 0x93;
        "NUMPY"u8.CopyTo(header.AsSpan(1));
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)headerText.Length);
        Encoding.ASCII.GetBytes(headerText, header.AsSpan(PreambleLength));
        return header;
    }
}
