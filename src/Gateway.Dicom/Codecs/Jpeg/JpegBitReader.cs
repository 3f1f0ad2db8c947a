using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// Reads the entropy-coded segment of a JPEG scan most significant bit first, removing the stuffed
/// zero after each 0xFF (T.81 F.1.2.3). It never reads past a marker: once it meets one (or the end
/// of the data) it feeds zero bits, and reports truncation when a caller consumes any of them.
/// </summary>
internal ref struct JpegBitReader
{
    private readonly ReadOnlySpan<byte> data;
    private int position;
    private ulong buffer;
    private int count;
    private int paddingBits;

    public JpegBitReader(ReadOnlySpan<byte> data, int position)
    {
        this.data = data;
        this.position = position;
    }

    /// <summary>The offset of the first byte not yet loaded: the marker that stopped the reader, or a byte inside the segment.</summary>
    public readonly int Position => position;

    /// <summary>Makes sure at least 32 bits (real or zero padding) are buffered.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EnsureBits()
    {
        if (count < 32)
        {
            Fill();
        }
    }

    /// <summary>The next <paramref name="bits"/> bits (1-32) without consuming them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int Peek(int bits) => (int)(buffer >> (64 - bits));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Skip(int bits)
    {
        buffer <<= bits;
        count -= bits;
    }

    /// <summary>Reads 1-16 bits; the caller has called <see cref="EnsureBits"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Read(int bits)
    {
        var value = (int)(buffer >> (64 - bits));
        buffer <<= bits;
        count -= bits;
        return value;
    }

    /// <summary>Throws when decoding consumed bits that the segment does not hold.</summary>
    public readonly void ThrowIfOverrun()
    {
        if (paddingBits > count)
        {
            throw new DicomCodecException("Truncated JPEG data: the entropy-coded segment ends before the last sample.");
        }
    }

    /// <summary>
    /// Handles a restart marker (T.81 F.2.2.1): drops the fill bits of the last byte, expects RSTn and
    /// continues after it.
    /// </summary>
    public void Restart()
    {
        ThrowIfOverrun();
        if (count - paddingBits >= 8)
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
        buffer = 0;
        count = 0;
        paddingBits = 0;
    }

    private void Fill()
    {
        ThrowIfOverrun();
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
                    count += take * 8;
                    position += take;
                    return;
                }
            }

            LoadByte();
        }
    }

    private void LoadByte()
    {
        int value;
        if (paddingBits > 0 || position >= data.Length)
        {
            value = 0;
            paddingBits += 8;
        }
        else if (data[position] != JpegMarker.Prefix)
        {
            value = data[position++];
        }
        else if (position + 1 < data.Length && data[position + 1] == 0)
        {
            value = JpegMarker.Prefix;
            position += 2;
        }
        else
        {
            // A marker (or fill bytes before one): stop here and pad with zeros.
            value = 0;
            paddingBits += 8;
        }

        buffer |= (ulong)value << (56 - count);
        count += 8;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool HasByteFF(ulong word)
    {
        var inverted = ~word;
        return ((inverted - 0x0101010101010101UL) & word & 0x8080808080808080UL) != 0;
    }
}
