using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Server.Tests.Compression.SeriesLatent;

/// <summary>
/// An independent reading of a series latent object (docs/latent-container.md, version 2), written here from the
/// format description and not from the gateway's reader: the checksum, the header up to the latent shape, the int8
/// scales, the Brotli payload (the .NET base library's decoder) with the delta step undone, and the dequantized
/// values offset + scale x code per channel: what the gateway's decoder starts from.
/// </summary>
internal static class SeriesLatentContainerOracle
{
    public sealed record Parsed(string ModelId, int Slices, int Rows, int Columns, int[] Shape, float[] Values);

    public static Parsed Read(byte[] bytes)
    {
        Assert.Equal("MVLT", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(bytes.Length, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(6)));
        Assert.Equal(SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)), bytes[^32..]);
        var at = 10;
        var idLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at));
        var modelId = Encoding.UTF8.GetString(bytes, at + 2, idLength);
        at += 2 + idLength + 32;
        int Int32()
        {
            var value = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
            at += 4;
            return value;
        }

        var (slices, rows, columns) = (Int32(), Int32(), Int32());
        at += 3 + 16 + (16 * slices) + (3 * 8) + 32;
        Assert.Equal(5, bytes[at++]);
        var shape = new[] { Int32(), Int32(), Int32(), Int32(), Int32() };
        Assert.Equal(2, bytes[at++]);
        var channels = shape[1];
        var scales = new (float Scale, float Offset)[channels];
        for (var c = 0; c < channels; c++)
        {
            scales[c] = (BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(at)), BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(at + 4)));
            at += 8;
        }

        Assert.Equal(1, bytes[at++]);
        var count = Int32();
        var payload = bytes.AsSpan(at + 4, Int32());
        var residuals = new byte[count];
        Assert.True(BrotliDecoder.TryDecompress(payload, residuals, out var written) && written == count, "the payload is not Brotli of the stated length");

        // Each plane (one depth slice of one channel) is delta-coded: the first value as is, the first column
        // against the value above, the others against their left neighbour, modulo 256.
        var (width, plane, volume) = (shape[4], shape[3] * shape[4], shape[2] * shape[3] * shape[4]);
        var codes = new byte[count];
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            var inPlane = i % plane;
            var prediction = inPlane == 0 ? 0 : codes[inPlane % width == 0 ? i - width : i - 1];
            codes[i] = (byte)(residuals[i] + prediction);
            var (scale, offset) = scales[i / volume];
            values[i] = offset + (scale * codes[i]);
        }

        return new Parsed(modelId, slices, rows, columns, shape[1..], values);
    }
}
