using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// Decodes lossless-JPEG differences (T.81 H.1.2.2: a Huffman-coded category SSSS followed by SSSS
/// extra bits) from a bit window with one table look-up in the common case. The look-up on the next
/// <see cref="LookupBits"/> bits yields either the whole difference (code and extra bits both fit)
/// or the code length and category; longer codes fall back to the canonical-code search of T.81 F.2.2.3.
/// </summary>
internal sealed class LosslessHuffmanDecoder
{
    public const int LookupBits = 12;

    // A decoded difference is returned packed as (difference << 8) | bits consumed. Look-up entries use the same
    // packing when complete; Partial marks "code length in bits 0-4, category in bits 8-12, extra bits follow";
    // LongCode marks a code longer than LookupBits.
    private const int Partial = 0x40;
    private const int LongCode = 0x80;

    private readonly int[] lookup = new int[1 << LookupBits];
    private readonly int[] maxCode = new int[JpegHuffmanTable.MaxCodeLength + 1];
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
            maxCode[length] = count == 0 ? -1 : codes[index + count - 1];
            valueOffset[length] = count == 0 ? 0 : index - codes[index];
            index += count;
        }

        lookup.AsSpan().Fill(LongCode);
        for (var i = 0; i < symbols.Length; i++)
        {
            if (lengths[i] <= LookupBits)
            {
                FillLookup(codes[i], lengths[i], symbols[i]);
            }
        }
    }

    /// <summary>
    /// Decodes the difference at the top of <paramref name="window"/>, which must hold at least 32 valid bits.
    /// Returns <c>(difference &lt;&lt; 8) | bits consumed</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Decode(ulong window)
    {
        var entry = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(lookup), (nint)(window >> (64 - LookupBits)));
        return (entry & (Partial | LongCode)) == 0 ? entry : DecodeSlow(window, entry);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int DecodeSlow(ulong window, int entry)
    {
        int length;
        int category;
        if ((entry & Partial) != 0)
        {
            length = entry & 0x1F;
            category = entry >> 8;
        }
        else
        {
            (length, category) = DecodeLongCode(window);
        }

        if (category == 0)
        {
            return length;
        }

        if (category == 16)
        {
            return (32768 << 8) | length;
        }

        var extra = (int)((window << length) >> (64 - category));
        return (JpegHuffmanTable.Extend(extra, category) << 8) | (length + category);
    }

    private (int Length, int Category) DecodeLongCode(ulong window)
    {
        var code = (int)(window >> (64 - JpegHuffmanTable.MaxCodeLength));
        for (var length = LookupBits + 1; length <= JpegHuffmanTable.MaxCodeLength; length++)
        {
            var candidate = code >> (JpegHuffmanTable.MaxCodeLength - length);
            if (candidate <= maxCode[length])
            {
                return (length, symbols[valueOffset[length] + candidate]);
            }
        }

        throw new DicomCodecException("Corrupt JPEG data: a bit sequence matches no Huffman code.");
    }

    private void FillLookup(int code, int length, int category)
    {
        var freeBits = LookupBits - length;
        var first = code << freeBits;
        for (var suffix = 0; suffix < 1 << freeBits; suffix++)
        {
            int entry;
            if (category == 0)
            {
                entry = length;
            }
            else if (category == 16)
            {
                entry = (32768 << 8) | length;
            }
            else if (category <= freeBits)
            {
                var extra = (suffix >> (freeBits - category)) & ((1 << category) - 1);
                entry = (JpegHuffmanTable.Extend(extra, category) << 8) | (length + category);
            }
            else
            {
                entry = (category << 8) | Partial | length;
            }

            lookup[first | suffix] = entry;
        }
    }
}
