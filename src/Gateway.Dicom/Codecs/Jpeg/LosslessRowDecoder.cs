using System.Runtime.CompilerServices;

namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// Reconstructs the samples of a lossless scan row by row (T.81 H.2): the first row of the scan and of
/// each restart interval is predicted from the left neighbour (its first sample from 2^(P-Pt-1)), the
/// first column from the sample above, everything else with the scan's predictor. Reconstruction is
/// modulo 2^16. The bit window lives in locals for the whole call.
/// </summary>
internal sealed class LosslessRowDecoder
{
    private readonly ushort[][] planes;
    private readonly LosslessHuffmanDecoder[] tables;
    private readonly int width;
    private readonly int initialPrediction;

    public LosslessRowDecoder(ushort[][] planes, LosslessHuffmanDecoder[] tables, int width, int initialPrediction)
    {
        this.planes = planes;
        this.tables = tables;
        this.width = width;
        this.initialPrediction = initialPrediction;
    }

    /// <summary>Decodes <paramref name="rowCount"/> rows from <paramref name="firstRow"/>; the first of them starts a restart interval.</summary>
    public void Decode(ref JpegBitReader reader, int predictor, int firstRow, int rowCount)
    {
        switch (predictor)
        {
            case 1: Decode<Predictor1>(ref reader, firstRow, rowCount); break;
            case 2: Decode<Predictor2>(ref reader, firstRow, rowCount); break;
            case 3: Decode<Predictor3>(ref reader, firstRow, rowCount); break;
            case 4: Decode<Predictor4>(ref reader, firstRow, rowCount); break;
            case 5: Decode<Predictor5>(ref reader, firstRow, rowCount); break;
            case 6: Decode<Predictor6>(ref reader, firstRow, rowCount); break;
            default: Decode<Predictor7>(ref reader, firstRow, rowCount); break;
        }
    }

    private void Decode<TPredictor>(ref JpegBitReader reader, int firstRow, int rowCount)
        where TPredictor : struct, ILosslessPredictor
    {
        if (planes.Length == 1)
        {
            var plane = planes[0];
            var table = tables[0];
            DecodeFirstRow(ref reader, plane.AsSpan(firstRow * width, width), table, initialPrediction);
            for (var y = firstRow + 1; y < firstRow + rowCount; y++)
            {
                DecodeRow<TPredictor>(ref reader, plane.AsSpan((y - 1) * width, width), plane.AsSpan(y * width, width), table);
            }
        }
        else
        {
            for (var y = firstRow; y < firstRow + rowCount; y++)
            {
                DecodeInterleavedRow<TPredictor>(ref reader, y, y == firstRow);
            }
        }
    }

    private static void DecodeFirstRow(ref JpegBitReader reader, Span<ushort> row, LosslessHuffmanDecoder table, int initialPrediction)
    {
        var window = reader.Buffer;
        var count = reader.Count;
        var ra = initialPrediction;
        for (var x = 0; x < row.Length; x++)
        {
            ra = (ra + Next(ref reader, table, ref window, ref count)) & 0xFFFF;
            row[x] = (ushort)ra;
        }

        reader.Restore(window, count);
    }

    private static void DecodeRow<TPredictor>(ref JpegBitReader reader, ReadOnlySpan<ushort> above, Span<ushort> row, LosslessHuffmanDecoder table)
        where TPredictor : struct, ILosslessPredictor
    {
        var window = reader.Buffer;
        var count = reader.Count;
        above = above[..row.Length];
        int rc = above[0];
        var ra = (rc + Next(ref reader, table, ref window, ref count)) & 0xFFFF;
        row[0] = (ushort)ra;
        for (var x = 1; x < row.Length; x++)
        {
            int rb = above[x];
            ra = (TPredictor.Predict(ra, rb, rc) + Next(ref reader, table, ref window, ref count)) & 0xFFFF;
            row[x] = (ushort)ra;
            rc = rb;
        }

        reader.Restore(window, count);
    }

    private void DecodeInterleavedRow<TPredictor>(ref JpegBitReader reader, int y, bool firstOfInterval)
        where TPredictor : struct, ILosslessPredictor
    {
        var window = reader.Buffer;
        var count = reader.Count;
        var start = y * width;
        var above = start - width;
        for (var x = 0; x < width; x++)
        {
            for (var k = 0; k < planes.Length; k++)
            {
                var plane = planes[k];
                int prediction;
                if (firstOfInterval)
                {
                    prediction = x == 0 ? initialPrediction : plane[start + x - 1];
                }
                else
                {
                    prediction = x == 0
                        ? plane[above]
                        : TPredictor.Predict(plane[start + x - 1], plane[above + x], plane[above + x - 1]);
                }

                plane[start + x] = (ushort)(prediction + Next(ref reader, tables[k], ref window, ref count));
            }
        }

        reader.Restore(window, count);
    }

    /// <summary>Decodes the next difference from the window, refilling it first when it holds fewer than 32 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Next(ref JpegBitReader reader, LosslessHuffmanDecoder table, ref ulong window, ref int count)
    {
        if (count < 32)
        {
            (window, count) = reader.Fill(window, count);
        }

        var packed = table.Decode(window);
        var used = packed & 0xFF;
        window <<= used;
        count -= used;
        return packed >> 8;
    }
}
