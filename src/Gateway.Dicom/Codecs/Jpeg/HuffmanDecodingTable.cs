using System.Runtime.CompilerServices;

namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// Decodes symbols of one Huffman table (T.81 F.2.2.3): a look-up on the next <see cref="LookupBits"/>
/// bits for short codes, the canonical-code search for longer ones.
/// </summary>
internal sealed class HuffmanDecodingTable
{
    private const int LookupBits = 9;

    // (code length << 8) | symbol; 0 for codes longer than LookupBits.
    private readonly ushort[] lookup = new ushort[1 << LookupBits];
    private readonly int[] maxCode = new int[JpegHuffmanTable.MaxCodeLength + 1];
    private readonly int[] valueOffset = new int[JpegHuffmanTable.MaxCodeLength + 1];
    private readonly byte[] symbols;

    public HuffmanDecodingTable(JpegHuffmanTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        symbols = table.Symbols.ToArray();
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

        for (var i = 0; i < symbols.Length; i++)
        {
            if (lengths[i] <= LookupBits)
            {
                var free = LookupBits - lengths[i];
                var first = codes[i] << free;
                lookup.AsSpan(first, 1 << free).Fill((ushort)((lengths[i] << 8) | symbols[i]));
            }
        }
    }

    /// <summary>Reads one symbol.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Decode(ref JpegBitReader reader)
    {
        reader.Ensure(JpegHuffmanTable.MaxCodeLength);
        var entry = lookup[reader.PeekBits(LookupBits)];
        if (entry != 0)
        {
            reader.SkipBits(entry >> 8);
            return entry & 0xFF;
        }

        return DecodeLong(ref reader);
    }

    private int DecodeLong(ref JpegBitReader reader)
    {
        var code = reader.PeekBits(JpegHuffmanTable.MaxCodeLength);
        for (var length = LookupBits + 1; length <= JpegHuffmanTable.MaxCodeLength; length++)
        {
            var candidate = code >> (JpegHuffmanTable.MaxCodeLength - length);
            if (candidate <= maxCode[length])
            {
                reader.SkipBits(length);
                return symbols[valueOffset[length] + candidate];
            }
        }

        throw new DicomCodecException("Corrupt JPEG data: a bit sequence matches no Huffman code.");
    }
}
