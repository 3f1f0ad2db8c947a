namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// Builds the optimal Huffman table for a histogram of symbols, limited to 16-bit codes and never
/// using the all-ones code, following the procedure of ITU T.81 Annex K.2 (figures K.1-K.4).
/// </summary>
internal static class HuffmanTableBuilder
{
    private const int Reserved = 256;
    private const int MaxTreeDepth = 32;

    /// <param name="frequencies">Occurrences of symbols 0-255 (shorter spans mean zero for the rest).</param>
    public static JpegHuffmanTable Build(ReadOnlySpan<long> frequencies)
    {
        if (frequencies.Length > Reserved)
        {
            throw new ArgumentException("JPEG Huffman symbols are bytes.", nameof(frequencies));
        }

        Span<long> freq = stackalloc long[Reserved + 1];
        frequencies.CopyTo(freq);

        // One extra symbol with frequency 1 claims the all-ones code point (K.2).
        freq[Reserved] = 1;

        Span<int> codeSize = stackalloc int[Reserved + 1];
        Span<int> others = stackalloc int[Reserved + 1];
        others.Fill(-1);
        codeSize.Clear();

        while (true)
        {
            var v1 = Least(freq, -1);
            var v2 = Least(freq, v1);
            if (v2 < 0)
            {
                break;
            }

            freq[v1] += freq[v2];
            freq[v2] = 0;
            codeSize[v1]++;
            while (others[v1] >= 0)
            {
                v1 = others[v1];
                codeSize[v1]++;
            }

            others[v1] = v2;
            codeSize[v2]++;
            while (others[v2] >= 0)
            {
                v2 = others[v2];
                codeSize[v2]++;
            }
        }

        Span<int> bits = stackalloc int[MaxTreeDepth + 1];
        bits.Clear();
        for (var symbol = 0; symbol <= Reserved; symbol++)
        {
            if (codeSize[symbol] > 0)
            {
                bits[Math.Min(codeSize[symbol], MaxTreeDepth)]++;
            }
        }

        LimitCodeLengths(bits);

        var counts = new byte[JpegHuffmanTable.MaxCodeLength];
        var total = 0;
        for (var length = 1; length <= JpegHuffmanTable.MaxCodeLength; length++)
        {
            counts[length - 1] = (byte)bits[length];
            total += bits[length];
        }

        // K.4: symbols sorted by code size, then by value; the reserved symbol is dropped.
        var symbols = new byte[total];
        var next = 0;
        for (var size = 1; size <= MaxTreeDepth && next < total; size++)
        {
            for (var symbol = 0; symbol < Reserved && next < total; symbol++)
            {
                if (codeSize[symbol] == size)
                {
                    symbols[next++] = (byte)symbol;
                }
            }
        }

        return new JpegHuffmanTable(counts, symbols);
    }

    /// <summary>The symbol with the least non-zero frequency (the largest value on ties), other than <paramref name="exclude"/>; -1 if none.</summary>
    private static int Least(ReadOnlySpan<long> freq, int exclude)
    {
        var best = -1;
        var bestFrequency = long.MaxValue;
        for (var symbol = 0; symbol < freq.Length; symbol++)
        {
            if (freq[symbol] > 0 && freq[symbol] <= bestFrequency && symbol != exclude)
            {
                best = symbol;
                bestFrequency = freq[symbol];
            }
        }

        return best;
    }

    /// <summary>K.3: moves codes longer than 16 bits up the tree, then removes the reserved code.</summary>
    private static void LimitCodeLengths(Span<int> bits)
    {
        for (var i = MaxTreeDepth; i > JpegHuffmanTable.MaxCodeLength; i--)
        {
            while (bits[i] > 0)
            {
                var j = i - 2;
                while (bits[j] == 0)
                {
                    j--;
                }

                bits[i] -= 2;
                bits[i - 1]++;
                bits[j + 1] += 2;
                bits[j]--;
            }
        }

        var longest = JpegHuffmanTable.MaxCodeLength;
        while (bits[longest] == 0)
        {
            longest--;
        }

        bits[longest]--;
    }
}
