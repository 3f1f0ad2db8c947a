namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>The encoder's side of T.81 H.1.2: the difference of each sample from its prediction, modulo 2^16.</summary>
internal static class LosslessRowDifferencer
{
    /// <summary>
    /// Fills <paramref name="differences"/> for one row; <paramref name="above"/> is empty for the first
    /// row, whose samples are predicted from the left (the first from <paramref name="initialPrediction"/>).
    /// </summary>
    public static void Compute(int predictor, ReadOnlySpan<ushort> above, ReadOnlySpan<ushort> row, Span<int> differences, int initialPrediction)
    {
        if (above.IsEmpty)
        {
            var ra = initialPrediction;
            for (var x = 0; x < row.Length; x++)
            {
                differences[x] = Wrap(row[x] - ra);
                ra = row[x];
            }

            return;
        }

        switch (predictor)
        {
            case 1: Compute<Predictor1>(above, row, differences); break;
            case 2: Compute<Predictor2>(above, row, differences); break;
            case 3: Compute<Predictor3>(above, row, differences); break;
            case 4: Compute<Predictor4>(above, row, differences); break;
            case 5: Compute<Predictor5>(above, row, differences); break;
            case 6: Compute<Predictor6>(above, row, differences); break;
            default: Compute<Predictor7>(above, row, differences); break;
        }
    }

    /// <summary>A difference modulo 2^16 in -32768..32767 (-32768 stands for 32768, category 16).</summary>
    public static int Wrap(int difference) => (short)difference;

    private static void Compute<TPredictor>(ReadOnlySpan<ushort> above, ReadOnlySpan<ushort> row, Span<int> differences)
        where TPredictor : struct, ILosslessPredictor
    {
        differences[0] = Wrap(row[0] - above[0]);
        for (var x = 1; x < row.Length; x++)
        {
            differences[x] = Wrap(row[x] - TPredictor.Predict(row[x - 1], above[x], above[x - 1]));
        }
    }
}
