namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>A scan header of a DCT frame (SOS, T.81 B.2.3): components, tables and the spectral selection and successive approximation parameters.</summary>
internal sealed class DctScan
{
    private DctScan(DctComponent[] components, HuffmanDecodingTable?[] dcTables, HuffmanDecodingTable?[] acTables, int start, int end, int high, int low)
    {
        Components = components;
        DcTables = dcTables;
        AcTables = acTables;
        SpectralStart = start;
        SpectralEnd = end;
        SuccessiveHigh = high;
        SuccessiveLow = low;
    }

    public DctComponent[] Components { get; }

    public HuffmanDecodingTable?[] DcTables { get; }

    public HuffmanDecodingTable?[] AcTables { get; }

    /// <summary>Ss: the first coefficient (zig-zag index) of the band.</summary>
    public int SpectralStart { get; }

    /// <summary>Se: the last coefficient of the band.</summary>
    public int SpectralEnd { get; }

    /// <summary>Ah: the bit position of the previous scan of this band (0 for a first scan).</summary>
    public int SuccessiveHigh { get; }

    /// <summary>Al: the point transform.</summary>
    public int SuccessiveLow { get; }

    /// <summary>Parses and checks a scan header; sequential scans take DC and AC tables, progressive ones only those their band needs.</summary>
    public static DctScan Parse(ReadOnlySpan<byte> segment, IReadOnlyList<DctComponent> frame, HuffmanDecodingTable?[] dc, HuffmanDecodingTable?[] ac, bool progressive)
    {
        var count = segment.IsEmpty ? 0 : segment[0];
        if (count is < 1 or > 4 || segment.Length < 4 + (2 * count))
        {
            throw new DicomCodecException($"Corrupt JPEG scan header: {count} components in {segment.Length} bytes.");
        }

        var start = segment[1 + (2 * count)];
        var end = segment[2 + (2 * count)];
        var high = segment[3 + (2 * count)] >> 4;
        var low = segment[3 + (2 * count)] & 0x0F;
        if (progressive)
        {
            var valid = end <= 63 && start <= end && high <= 13 && low <= 13 && (start > 0 || end == 0) && (start == 0 || count == 1);
            if (!valid)
            {
                throw new DicomCodecException($"Corrupt progressive JPEG scan header: Ss {start}, Se {end}, Ah {high}, Al {low} with {count} components.");
            }
        }
        else
        {
            // Sequential scans always code all 64 coefficients; libjpeg only warns about other Ss/Se/Ah/Al values.
            (start, end, high, low) = (0, 63, 0, 0);
        }

        var components = new DctComponent[count];
        var dcTables = new HuffmanDecodingTable?[count];
        var acTables = new HuffmanDecodingTable?[count];
        for (var k = 0; k < count; k++)
        {
            var id = segment[1 + (2 * k)];
            var component = frame.FirstOrDefault(c => c.Id == id);
            if (component is null || Array.IndexOf(components, component, 0, k) >= 0)
            {
                throw new DicomCodecException($"Corrupt JPEG scan header: component {id} is not in the frame or appears twice.");
            }

            components[k] = component;
            var tables = segment[2 + (2 * k)];
            if (start == 0 && high == 0)
            {
                dcTables[k] = Table(dc, tables >> 4) ?? throw new DicomCodecException($"Corrupt JPEG stream: DC Huffman table {tables >> 4} is not defined.");
            }

            if (end > 0)
            {
                acTables[k] = Table(ac, tables & 0x0F) ?? throw new DicomCodecException($"Corrupt JPEG stream: AC Huffman table {tables & 0x0F} is not defined.");
            }
        }

        return new DctScan(components, dcTables, acTables, start, end, high, low);
    }

    private static HuffmanDecodingTable? Table(HuffmanDecodingTable?[] tables, int id) => id < tables.Length ? tables[id] : null;
}
