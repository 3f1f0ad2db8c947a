using System.Runtime.CompilerServices;

namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// A Huffman table in the form a DHT segment carries it (ITU T.81 B.2.4.2): the number of codes of
/// each length 1-16 and the symbols in order of increasing code. Codes are assigned canonically (Annex C).
/// </summary>
internal sealed class JpegHuffmanTable
{
    public const int MaxCodeLength = 16;

    private readonly byte[] counts;
    private readonly byte[] symbols;

    /// <param name="counts">16 entries: the number of codes of length 1..16.</param>
    /// <param name="symbols">The symbols, shortest codes first.</param>
    /// <exception cref="DicomCodecException">The counts describe more codes than fit in 16 bits, or do not match the symbols.</exception>
    public JpegHuffmanTable(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> symbols)
    {
        if (counts.Length != MaxCodeLength)
        {
            throw new DicomCodecException($"A JPEG Huffman table has {MaxCodeLength} code counts, not {counts.Length}.");
        }

        var total = 0;
        var code = 0;
        for (var length = 1; length <= MaxCodeLength; length++)
        {
            total += counts[length - 1];
            code = (code + counts[length - 1]) << 1;
            if (code > 1 << (length + 1))
            {
                throw new DicomCodecException($"Corrupt JPEG Huffman table: more codes of length {length} than fit in {length} bits.");
            }
        }

        if (total != symbols.Length || total > 256)
        {
            throw new DicomCodecException($"Corrupt JPEG Huffman table: the counts give {total} codes but {symbols.Length} symbols follow.");
        }

        this.counts = counts.ToArray();
        this.symbols = symbols.ToArray();
    }

    /// <summary>The number of codes of length 1..16 (index 0 is length 1).</summary>
    public ReadOnlySpan<byte> Counts => counts;

    /// <summary>The symbols in order of increasing code.</summary>
    public ReadOnlySpan<byte> Symbols => symbols;

    /// <summary>
    /// T.81 F.12 (EXTEND): the value of <paramref name="bits"/>, the extra bits that follow a magnitude
    /// category; a leading 0 bit stands for a negative value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Extend(int bits, int category) =>
        bits < 1 << (category - 1) ? bits - (1 << category) + 1 : bits;

    /// <summary>Bytes this table occupies in a DHT segment after the class/id byte.</summary>
    public int EncodedLength => MaxCodeLength + symbols.Length;

    /// <summary>The canonical code and its length for each entry of <see cref="Symbols"/> (T.81 C.1, C.2).</summary>
    public void AssignCodes(Span<int> codes, Span<int> lengths)
    {
        var index = 0;
        var code = 0;
        for (var length = 1; length <= MaxCodeLength; length++)
        {
            for (var i = 0; i < counts[length - 1]; i++)
            {
                codes[index] = code++;
                lengths[index] = length;
                index++;
            }

            code <<= 1;
        }
    }

    /// <summary>Writes counts and symbols as they appear in a DHT segment.</summary>
    public void WriteTo(Span<byte> destination)
    {
        counts.CopyTo(destination);
        symbols.CopyTo(destination[MaxCodeLength..]);
    }
}
