using System.Buffers.Binary;
using System.Numerics;
using Gateway.Dicom.Codecs.Jpeg;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Managed;

/// <summary>
/// Writes lossless JPEG streams with the features our encoder never emits but other encoders do:
/// restart intervals, one scan per component, Huffman tables defined between scans, table ids other
/// than the component index, a point transform, marker fill bytes and APP/COM segments. The streams
/// are checked against DCMTK and pydicom+GDCM (or, for 4 components, against the source image).
/// </summary>
internal sealed class LosslessStreamBuilder
{
    public int Predictor { get; init; } = 1;

    public int PointTransform { get; init; }

    /// <summary>Rows per restart interval; 0 for none.</summary>
    public int RestartRows { get; init; }

    /// <summary>One scan per component instead of one interleaved scan.</summary>
    public bool SeparateScans { get; init; }

    /// <summary>Extra 0xFF bytes before every marker after SOI (T.81 B.1.1.2 allows any number; libjpeg wants SOI first).</summary>
    public int FillBytes { get; init; }

    public byte[] Build(ReadOnlySpan<byte> native, FrameInfo info)
    {
        var precision = Math.Max(2, info.BitsStored);
        var planes = ReadPlanes(native, info, precision);
        var writer = new JpegBitWriter(native.Length);
        writer.WriteMarker(JpegMarker.Soi);
        Marker(writer, JpegMarker.App0 + 1);
        writer.WriteUInt16(6);
        writer.WriteUInt16(0x4578);
        writer.WriteUInt16(0x6966);
        Marker(writer, JpegMarker.Sof3);
        writer.WriteUInt16(8 + (3 * planes.Length));
        writer.WriteByte((byte)precision);
        writer.WriteUInt16(info.Rows);
        writer.WriteUInt16(info.Columns);
        writer.WriteByte((byte)planes.Length);
        for (var c = 0; c < planes.Length; c++)
        {
            writer.WriteByte((byte)(10 + c));
            writer.WriteByte(0x11);
            writer.WriteByte(0);
        }

        if (RestartRows > 0)
        {
            Marker(writer, JpegMarker.Dri);
            writer.WriteUInt16(4);
            writer.WriteUInt16(RestartRows * info.Columns);
        }

        Marker(writer, JpegMarker.Com);
        writer.WriteUInt16(4);
        writer.WriteUInt16(0x6869);
        var scans = SeparateScans
            ? Enumerable.Range(0, planes.Length).Select(c => new[] { c }).ToArray()
            : [Enumerable.Range(0, planes.Length).ToArray()];
        foreach (var scan in scans)
        {
            WriteScan(writer, planes, scan, info, precision);
        }

        Marker(writer, JpegMarker.Eoi);
        return writer.ToArray();
    }

    private void WriteScan(JpegBitWriter writer, ushort[][] planes, int[] scan, FrameInfo info, int precision)
    {
        var width = info.Columns;
        var differences = new int[scan.Length][];
        var codes = new (int Code, int Length)[scan.Length][];
        Marker(writer, JpegMarker.Dht);
        var tables = new JpegHuffmanTable[scan.Length];
        for (var k = 0; k < scan.Length; k++)
        {
            differences[k] = Differences(planes[scan[k]], info, precision);
            var histogram = new long[17];
            foreach (var difference in differences[k])
            {
                histogram[Category(difference)]++;
            }

            tables[k] = HuffmanTableBuilder.Build(histogram);
            codes[k] = CodesBySymbol(tables[k]);
        }

        writer.WriteUInt16(2 + tables.Sum(t => 1 + t.EncodedLength));
        var body = new byte[16 + 256];
        for (var k = 0; k < scan.Length; k++)
        {
            writer.WriteByte((byte)TableId(scan[k]));
            tables[k].WriteTo(body);
            foreach (var value in body.AsSpan(0, tables[k].EncodedLength))
            {
                writer.WriteByte(value);
            }
        }

        Marker(writer, JpegMarker.Sos);
        writer.WriteUInt16(6 + (2 * scan.Length));
        writer.WriteByte((byte)scan.Length);
        foreach (var component in scan)
        {
            writer.WriteByte((byte)(10 + component));
            writer.WriteByte((byte)(TableId(component) << 4));
        }

        writer.WriteByte((byte)Predictor);
        writer.WriteByte(0);
        writer.WriteByte((byte)PointTransform);
        var restart = 0;
        for (var y = 0; y < info.Rows; y++)
        {
            if (RestartRows > 0 && y > 0 && y % RestartRows == 0)
            {
                writer.FinishEntropyCodedSegment();
                Marker(writer, (byte)(JpegMarker.Rst0 + (restart++ % 8)));
            }

            for (var x = 0; x < width; x++)
            {
                for (var k = 0; k < scan.Length; k++)
                {
                    var difference = differences[k][(y * width) + x];
                    var category = Category(difference);
                    var (code, length) = codes[k][category];
                    if (category is 0 or 16)
                    {
                        writer.WriteBits((uint)code, length);
                    }
                    else
                    {
                        var extra = (uint)(difference > 0 ? difference : difference - 1) & ((1u << category) - 1);
                        writer.WriteBits(((uint)code << category) | extra, length + category);
                    }
                }
            }
        }

        writer.FinishEntropyCodedSegment();
    }

    /// <summary>Table ids deliberately differ from component indexes: component c uses table 3 - c.</summary>
    private static int TableId(int component) => 3 - component;

    private int[] Differences(ushort[] plane, FrameInfo info, int precision)
    {
        var width = info.Columns;
        var shifted = plane.Select(v => (ushort)(v >> PointTransform)).ToArray();
        var result = new int[shifted.Length];
        for (var y = 0; y < info.Rows; y++)
        {
            var startsInterval = y == 0 || (RestartRows > 0 && y % RestartRows == 0);
            var above = startsInterval ? ReadOnlySpan<ushort>.Empty : shifted.AsSpan((y - 1) * width, width);
            LosslessRowDifferencer.Compute(Predictor, above, shifted.AsSpan(y * width, width), result.AsSpan(y * width, width), 1 << (precision - PointTransform - 1));
        }

        return result;
    }

    private void Marker(JpegBitWriter writer, int marker)
    {
        for (var i = 0; i < FillBytes; i++)
        {
            writer.WriteByte(JpegMarker.Prefix);
        }

        writer.WriteMarker((byte)marker);
    }

    private static int Category(int difference) =>
        difference == -32768 ? 16 : 32 - BitOperations.LeadingZeroCount((uint)Math.Abs(difference));

    private static (int Code, int Length)[] CodesBySymbol(JpegHuffmanTable table)
    {
        var codes = new int[table.Symbols.Length];
        var lengths = new int[table.Symbols.Length];
        table.AssignCodes(codes, lengths);
        var bySymbol = new (int, int)[17];
        for (var i = 0; i < codes.Length; i++)
        {
            bySymbol[table.Symbols[i]] = (codes[i], lengths[i]);
        }

        return bySymbol;
    }

    private static ushort[][] ReadPlanes(ReadOnlySpan<byte> native, FrameInfo info, int precision)
    {
        var planes = new ushort[info.SamplesPerPixel][];
        for (var c = 0; c < planes.Length; c++)
        {
            planes[c] = new ushort[info.PixelCount];
            for (var i = 0; i < info.PixelCount; i++)
            {
                var sample = (i * info.SamplesPerPixel) + c;
                var value = info.BitsAllocated == 8 ? native[sample] : BinaryPrimitives.ReadUInt16LittleEndian(native[(2 * sample)..]);
                planes[c][i] = (ushort)(value & ((1 << precision) - 1));
            }
        }

        return planes;
    }
}
