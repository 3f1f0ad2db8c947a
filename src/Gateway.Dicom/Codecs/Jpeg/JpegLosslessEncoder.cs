using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// Encodes a native frame as lossless JPEG (T.81 process 14, SOF3): one scan holding every component
/// interleaved, point transform 0, and Huffman tables built for this image (a counting pass, then the
/// coding pass), one table per component.
/// </summary>
internal static class JpegLosslessEncoder
{
    private const int Categories = 17;

    /// <summary>Encodes; the caller has checked <paramref name="info"/> (1 or 3 samples, 8 or 16-bit containers, BitsStored 1-16).</summary>
    public static byte[] Encode(ReadOnlySpan<byte> native, FrameInfo info, int predictor)
    {
        var precision = Math.Max(2, info.BitsStored);
        var components = info.SamplesPerPixel;
        var width = info.Columns;
        var height = info.Rows;
        var initial = 1 << (precision - 1);
        var planes = new ushort[components][];
        var differences = ArrayPool<int>.Shared.Rent(width * components);
        try
        {
            for (var c = 0; c < components; c++)
            {
                planes[c] = ArrayPool<ushort>.Shared.Rent(info.PixelCount);
                ReadPlane(native, info, c, (1 << precision) - 1, planes[c]);
            }

            var tables = new JpegHuffmanTable[components];
            var codes = new int[components][];
            var lengths = new int[components][];
            Span<long> histogram = stackalloc long[Categories];
            for (var c = 0; c < components; c++)
            {
                histogram.Clear();
                var rowDifferences = differences.AsSpan(0, width);
                for (var y = 0; y < height; y++)
                {
                    ComputeRow(planes[c], y, width, predictor, initial, rowDifferences);
                    foreach (var difference in rowDifferences)
                    {
                        histogram[Category(difference)]++;
                    }
                }

                tables[c] = HuffmanTableBuilder.Build(histogram);
                (codes[c], lengths[c]) = CodesBySymbol(tables[c]);
            }

            var writer = new JpegBitWriter((int)Math.Min(int.MaxValue / 2, info.NativeFrameLength / 2));
            WriteHeaders(writer, info, precision, predictor, tables);
            for (var y = 0; y < height; y++)
            {
                for (var c = 0; c < components; c++)
                {
                    ComputeRow(planes[c], y, width, predictor, initial, differences.AsSpan(c * width, width));
                }

                for (var x = 0; x < width; x++)
                {
                    for (var c = 0; c < components; c++)
                    {
                        WriteDifference(writer, differences[(c * width) + x], codes[c], lengths[c]);
                    }
                }
            }

            writer.FinishEntropyCodedSegment();
            writer.WriteMarker(JpegMarker.Eoi);
            return writer.ToArray();
        }
        finally
        {
            ArrayPool<int>.Shared.Return(differences);
            foreach (var plane in planes)
            {
                if (plane is not null)
                {
                    ArrayPool<ushort>.Shared.Return(plane);
                }
            }
        }
    }

    private static void ComputeRow(ushort[] plane, int y, int width, int predictor, int initial, Span<int> differences)
    {
        var row = plane.AsSpan(y * width, width);
        var above = y == 0 ? ReadOnlySpan<ushort>.Empty : plane.AsSpan((y - 1) * width, width);
        LosslessRowDifferencer.Compute(predictor, above, row, differences, initial);
    }

    private static int Category(int difference) =>
        difference == -32768 ? 16 : 32 - BitOperations.LeadingZeroCount((uint)Math.Abs(difference));

    private static void WriteDifference(JpegBitWriter writer, int difference, int[] codes, int[] lengths)
    {
        var category = Category(difference);
        var code = (uint)codes[category];
        var length = lengths[category];
        if (category is 0 or 16)
        {
            writer.WriteBits(code, length);
            return;
        }

        var extra = (uint)(difference > 0 ? difference : difference - 1) & ((1u << category) - 1);
        writer.WriteBits((code << category) | extra, length + category);
    }

    private static (int[] Codes, int[] Lengths) CodesBySymbol(JpegHuffmanTable table)
    {
        var count = table.Symbols.Length;
        Span<int> codes = stackalloc int[count];
        Span<int> lengths = stackalloc int[count];
        table.AssignCodes(codes, lengths);
        var bySymbolCode = new int[Categories];
        var bySymbolLength = new int[Categories];
        for (var i = 0; i < count; i++)
        {
            bySymbolCode[table.Symbols[i]] = codes[i];
            bySymbolLength[table.Symbols[i]] = lengths[i];
        }

        return (bySymbolCode, bySymbolLength);
    }

    private static void ReadPlane(ReadOnlySpan<byte> native, FrameInfo info, int component, int mask, ushort[] plane)
    {
        var pixels = info.PixelCount;
        var samples = info.SamplesPerPixel;
        var planar = info.PlanarConfiguration == PlanarConfiguration.Planar;
        var first = planar ? component * pixels : component;
        var step = planar ? 1 : samples;
        if (info.BitsAllocated == 8)
        {
            for (var i = 0; i < pixels; i++)
            {
                plane[i] = (ushort)(native[first + (i * step)] & mask);
            }
        }
        else
        {
            for (var i = 0; i < pixels; i++)
            {
                plane[i] = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(native[(2 * (first + (i * step)))..]) & mask);
            }
        }
    }

    private static void WriteHeaders(JpegBitWriter writer, FrameInfo info, int precision, int predictor, JpegHuffmanTable[] tables)
    {
        var components = tables.Length;
        writer.WriteMarker(JpegMarker.Soi);

        writer.WriteMarker(JpegMarker.Sof3);
        writer.WriteUInt16(8 + (3 * components));
        writer.WriteByte((byte)precision);
        writer.WriteUInt16(info.Rows);
        writer.WriteUInt16(info.Columns);
        writer.WriteByte((byte)components);
        for (var c = 0; c < components; c++)
        {
            writer.WriteByte((byte)(c + 1));
            writer.WriteByte(0x11);
            writer.WriteByte(0);
        }

        var dhtLength = 2;
        foreach (var table in tables)
        {
            dhtLength += 1 + table.EncodedLength;
        }

        writer.WriteMarker(JpegMarker.Dht);
        writer.WriteUInt16(dhtLength);
        Span<byte> body = stackalloc byte[JpegHuffmanTable.MaxCodeLength + 256];
        for (var c = 0; c < components; c++)
        {
            writer.WriteByte((byte)c);
            tables[c].WriteTo(body);
            foreach (var value in body[..tables[c].EncodedLength])
            {
                writer.WriteByte(value);
            }
        }

        writer.WriteMarker(JpegMarker.Sos);
        writer.WriteUInt16(6 + (2 * components));
        writer.WriteByte((byte)components);
        for (var c = 0; c < components; c++)
        {
            writer.WriteByte((byte)(c + 1));
            writer.WriteByte((byte)(c << 4));
        }

        writer.WriteByte((byte)predictor);
        writer.WriteByte(0);
        writer.WriteByte(0);
    }
}
