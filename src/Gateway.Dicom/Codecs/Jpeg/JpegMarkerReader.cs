using System.Buffers.Binary;

namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>Walks the markers and marker segments of a JPEG stream (T.81 B.1).</summary>
internal ref struct JpegMarkerReader
{
    private readonly ReadOnlySpan<byte> data;

    public JpegMarkerReader(ReadOnlySpan<byte> data)
    {
        this.data = data;
    }

    public int Position { get; set; }

    /// <summary>
    /// Finds the next marker from <see cref="Position"/>, skipping fill bytes (0xFF), stuffed zeros and,
    /// as libjpeg does, stray bytes before it. Returns false at the end of the data.
    /// </summary>
    public bool TryReadMarker(out byte marker)
    {
        var position = Position;
        while (position + 1 < data.Length)
        {
            if (data[position] != JpegMarker.Prefix)
            {
                position++;
                continue;
            }

            var next = data[position + 1];
            if (next == JpegMarker.Prefix)
            {
                position++;
                continue;
            }

            position += 2;
            if (next != 0)
            {
                Position = position;
                marker = next;
                return true;
            }
        }

        Position = data.Length;
        marker = 0;
        return false;
    }

    /// <summary>Reads the length field after a marker and returns the segment body; moves past it.</summary>
    public ReadOnlySpan<byte> ReadSegment(byte marker)
    {
        if (Position + 2 > data.Length)
        {
            throw new DicomCodecException($"Truncated JPEG data: marker 0x{marker:X2} has no length field.");
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(data[Position..]);
        if (length < 2 || Position + length > data.Length)
        {
            throw new DicomCodecException($"Truncated JPEG data: the segment of marker 0x{marker:X2} at offset {Position - 2} claims {length} bytes.");
        }

        var body = data.Slice(Position + 2, length - 2);
        Position += length;
        return body;
    }

    /// <summary>Parses the tables of a DHT segment (T.81 B.2.4.2) and hands each to <paramref name="define"/> with its class and id.</summary>
    public static void ParseHuffmanTables(ReadOnlySpan<byte> segment, Action<int, int, JpegHuffmanTable> define)
    {
        ArgumentNullException.ThrowIfNull(define);
        while (!segment.IsEmpty)
        {
            if (segment.Length < 1 + JpegHuffmanTable.MaxCodeLength)
            {
                throw new DicomCodecException("Corrupt JPEG DHT segment: a table is cut short.");
            }

            var tableClass = segment[0] >> 4;
            var id = segment[0] & 0x0F;
            if (tableClass > 1 || id > 3)
            {
                throw new DicomCodecException($"Corrupt JPEG DHT segment: table class {tableClass} id {id}.");
            }

            var counts = segment.Slice(1, JpegHuffmanTable.MaxCodeLength);
            var total = 0;
            foreach (var count in counts)
            {
                total += count;
            }

            var end = 1 + JpegHuffmanTable.MaxCodeLength + total;
            if (segment.Length < end)
            {
                throw new DicomCodecException("Corrupt JPEG DHT segment: the symbols of a table are cut short.");
            }

            define(tableClass, id, new JpegHuffmanTable(counts, segment[(1 + JpegHuffmanTable.MaxCodeLength)..end]));
            segment = segment[end..];
        }
    }
}
