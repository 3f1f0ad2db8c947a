using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// Reads the entropy-coded segment of a JPEG scan most significant bit first, removing the stuffed
/// zero after each 0xFF (T.81 F.1.2.3). It never reads past a marker: once it meets one (or the end
/// of the data) it feeds zero bits, and reports truncation when a caller consumes any of them.
/// Hot loops keep the bit window (<see cref="Buffer"/>, <see cref="Count"/>) in locals, refill it with
/// <see cref="Fill"/> and hand it back with <see cref="Restore"/>.
/// </summary>
internal ref struct JpegBitReader
{
    private readonly ReadOnlySpan<byte> data;
    private int position;
    private int paddingBits;

    public JpegBitReader(ReadOnlySpan<byte> data, int position)
    {
        this.data = data;
        this.position = position;
    }

    /// <summary>The bit window: the next <see cref="Count"/> bits, most significant first.</summary>
    public ulong Buffer { readonly get; private set; }

    public int Count { readonly get; private set; }

    /// <summary>The offset of the first byte not yet loaded: the marker that stopped the reader, or a byte inside the segment.</summary>
    public readonly int Position => position;

    /// <summary>Stores the bit window a hot loop worked on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Restore(ulong buffer, int count)
    {
        Buffer = buffer;
        Count = count;
    }

    /// <summary>Makes sure the window holds at least <paramref name="bits"/> bits (at most 57).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Ensure(int bits)
    {
        if (Count < bits)
        {
            (Buffer, Count) = Fill(Buffer, Count);
        }
    }

    /// <summary>The next <paramref name="bits"/> bits (1-32) without consuming them; call <see cref="Ensure"/> first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int PeekBits(int bits) => (int)(Buffer >> (64 - bits));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SkipBits(int bits)
    {
        Buffer <<= bits;
        Count -= bits;
    }

    /// <summary>Reads 0-16 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadBits(int bits)
    {
        if (bits == 0)
        {
            return 0;
        }

        Ensure(bits);
        var value = PeekBits(bits);
        SkipBits(bits);
        return value;
    }

    /// <summary>Tops the window up to at least 57 bits (zeros after a marker or the end).</summary>
    public (ulong Buffer, int Count) Fill(ulong buffer, int count)
    {
        if (paddingBits > count)
        {
            ThrowOverrun();
        }

        while (count <= 56)
        {
            if (paddingBits == 0 && position + 8 <= data.Length)
            {
                var word = BinaryPrimitives.ReadUInt64BigEndian(data[position..]);
                if (!HasByteFF(word))
                {
                    var take = (64 - count) >> 3;
                    var kept = take == 8 ? word : word & ~(ulong.MaxValue >> (take * 8));
                    buffer |= kept >> count;
                    position += take;
                    return (buffer, count + (take * 8));
                }
            }

            buffer |= (ulong)NextByte() << (56 - count);
            count += 8;
        }

        return (buffer, count);
    }

    /// <summary>Throws when decoding consumed bits that the segment does not hold.</summary>
    public readonly void ThrowIfOverrun()
    {
        if (paddingBits > Count)
        {
            ThrowOverrun();
        }
    }

    /// <summary>
    /// Handles a restart marker (T.81 F.2.2.1): drops the fill bits of the last byte, expects RSTn and
    /// continues after it.
    /// </summary>
    public void Restart()
    {
        ThrowIfOverrun();
        if (Count - paddingBits >= 8)
        {
            throw new DicomCodecException("Corrupt JPEG data: extra bytes before a restart marker.");
        }

        var next = position;
        while (next < data.Length && data[next] == JpegMarker.Prefix)
        {
            next++;
        }

        if (next == position || next >= data.Length || !JpegMarker.IsRestart(data[next]))
        {
            throw new DicomCodecException($"Corrupt JPEG data: expected a restart marker at offset {position}.");
        }

        position = next + 1;
        paddingBits = 0;
        Restore(0, 0);
    }

    private byte NextByte()
    {
        if (paddingBits == 0 && position < data.Length)
        {
            var value = data[position];
            if (value != JpegMarker.Prefix)
            {
                position++;
                return value;
            }

            if (position + 1 < data.Length && data[position + 1] == 0)
            {
                position += 2;
                return value;
            }
        }

        // A marker, fill bytes before one, or the end of the data: stay here and pad with zeros.
        paddingBits += 8;
        return 0;
    }

    private static void ThrowOverrun() =>
        throw new DicomCodecException("Truncated JPEG data: the entropy-coded segment ends before the last sample.");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool HasByteFF(ulong word)
    {
        var inverted = ~word;
        return ((inverted - 0x0101010101010101UL) & word & 0x8080808080808080UL) != 0;
    }
}
