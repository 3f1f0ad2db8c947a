namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>A lossless scan header (SOS segment, T.81 B.2.3): its components, tables, predictor and point transform.</summary>
internal sealed class LosslessScan
{
    private LosslessScan(int[] componentIndexes, LosslessHuffmanDecoder[] tables, int predictor, int pointTransform)
    {
        ComponentIndexes = componentIndexes;
        Tables = tables;
        Predictor = predictor;
        PointTransform = pointTransform;
    }

    public int ComponentCount => ComponentIndexes.Length;

    /// <summary>For each scan component, its index in the frame header.</summary>
    public int[] ComponentIndexes { get; }

    public LosslessHuffmanDecoder[] Tables { get; }

    /// <summary>Ss: the predictor selection value 1-7.</summary>
    public int Predictor { get; }

    /// <summary>Al: the point transform Pt.</summary>
    public int PointTransform { get; }

    public static LosslessScan Parse(ReadOnlySpan<byte> segment, JpegFrameHeader frame, LosslessHuffmanDecoder?[] definedTables)
    {
        var count = segment.IsEmpty ? 0 : segment[0];
        if (count is < 1 or > 4 || segment.Length < 4 + (2 * count))
        {
            throw new DicomCodecException($"Corrupt JPEG scan header: {count} components in {segment.Length} bytes.");
        }

        var indexes = new int[count];
        var tables = new LosslessHuffmanDecoder[count];
        for (var k = 0; k < count; k++)
        {
            var id = segment[1 + (2 * k)];
            var index = frame.IndexOf(id);
            if (index < 0 || Array.IndexOf(indexes, index, 0, k) >= 0)
            {
                throw new DicomCodecException($"Corrupt JPEG scan header: component {id} is not in the frame or appears twice.");
            }

            var tableId = segment[2 + (2 * k)] >> 4;
            indexes[k] = index;
            tables[k] = (tableId < definedTables.Length ? definedTables[tableId] : null)
                ?? throw new DicomCodecException($"Corrupt JPEG stream: the scan uses Huffman table {tableId}, which is not defined.");
        }

        var predictor = segment[1 + (2 * count)];
        if (predictor is < 1 or > 7)
        {
            throw new DicomCodecException($"Corrupt lossless JPEG scan header: predictor {predictor} is outside 1-7.");
        }

        var pointTransform = segment[3 + (2 * count)] & 0x0F;
        return new LosslessScan(indexes, tables, predictor, pointTransform);
    }
}
