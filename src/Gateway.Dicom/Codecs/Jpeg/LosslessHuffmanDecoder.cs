namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// Decodes lossless-JPEG differences (T.81 H.1.2.2: a Huffman-coded category SSSS followed by SSSS
/// extra bits) with one table look-up for the common case. The look-up on the next
/// <see cref="LookupBits"/> bits yields either the whole difference (code and extra bits both fit)
/// or the code length and category; longer codes fall back to the canonical-code search of T.81 F.2.2.3.
/// </summary>
internal sealed class LosslessHuffmanDecoder
{
    public const int LookupBits = 12;

    // Entry layout: bits 0-4 bits to consume; bit 5 set when the entry is the whole difference,
    // then bits 8-31 hold the difference (signed); otherwise bits 8-12 hold the category. 0: code longer than LookupBits.
    private const int Resolved = 0x20;

    private readonly int[] lookup = new int[1 << LookupBits];
    private readonly int[] maxCode = new int[JpegHuffmanTable.MaxCodeLength + 2];
    private readonly int[] valueOffset = new int[JpegHuffmanTable.MaxCodeLength + 1];
    private readonly byte[] symbols;

    public LosslessHuffmanDecoder(JpegHuffmanTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        symbols = table.Symbols.ToArray();
        foreach (var symbol in symbols)
        {
            if (symbol > 16)
            {
                throw new DicomCodecException($"Corrupt lossless JPEG Huffman table: category {symbol} is above 16.");
            }
        }

        Span<int> codes = stackalloc int[symbols.Length];
        Span<int> lengths = stackalloc int[symbols.Length];
        table.AssignCodes(codes, lengths);

        var index = 0;
        for (var length = 1; length <= JpegHuffmanTable.MaxCodeLength; length++)
        {
            var count = table.Counts[length - 1];
            if (count == 0)
            {
                maxCode[length] = -1;
                continue;
            }

            valueOffset[length] = index - codes[index];
            maxCode[length] = codes[index + count - 1];
            index += count;
        }

        maxCode[JpegHuffmanTable.MaxCodeLength + 1] = int.MaxValue;
        for (var i = 0; i < symbols.Length; i++)
        {
            if (lengths[i] <= LookupBits)
            {
                FillLookup(codes[i], lengths[i], symbols[i]);
            }
        }
    }

    /// <summary>Reads one difference. The reader must hold at least 32 bits.</summary>
    public int DecodeDifference(ref JpegBitReader reader)
    {
        var entry = lookup[reader.Peek(LookupBits)];
        if ((entry & Resolved) != 0)
        {
            reader.Skip(entry & 0x1F);
            return entry >> 8;
        }

        int category;
        if (entry != 0)
        {
            reader.Skip(entry & 0x1F);
            category = entry >> 8;
        }
        else
        {
            category = DecodeLongCode(ref reader);
        }

        if (category == 16)
        {
            return 32768;
        }

        return category == 0 ? 0 : Extend(reader.Read(category), category);
    }

    /// <summary>T.81 F.12: extra bits with a leading 0 stand for a negative difference.</summary>
    public static int Extend(int bits, int category) =>
        bits < 1 << (category - 1) ? bits - (1 << category) + 1 : bits;

    private int DecodeLongCode(ref JpegBitReader reader)
    {
        var code = reader.Peek(JpegHuffmanTable.MaxCodeLength);
        var length = LookupBits + 1;
        var candidate = code >> (JpegHuffmanTable.MaxCodeLength - length);
        while (candidate > maxCode[length])
        {
            length++;
            if (length > JpegHuffmanTable.MaxCodeLength)
            {
                throw new DicomCodecException("Corrupt JPEG data: a bit sequence matches no Huffman code.");
            }

            candidate = code >> (JpegHuffmanTable.MaxCodeLength - length);
        }

        reader.Skip(length);
        return symbols[valueOffset[length] + candidate];
    }

    private void FillLookup(int code, int length, int category)
    {
        var freeBits = LookupBits - length;
        var first = code << freeBits;
        for (var suffix = 0; suffix < 1 << freeBits; suffix++)
        {
            int entry;
            if (category == 0 || category == 16)
            {
                entry = ((category == 0 ? 0 : 32768) << 8) | Resolved | length;
            }
            else if (category <= freeBits)
            {
                var extra = (suffix >> (freeBits - category)) & ((1 << category) - 1);
                entry = (Extend(extra, category) << 8) | Resolved | (length + category);
            }
            else
            {
                entry = (category << 8) | length;
            }

            lookup[first | suffix] = entry;
        }
    }
}
