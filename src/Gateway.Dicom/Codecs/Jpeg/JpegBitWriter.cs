using System.Runtime.CompilerServices;

namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// Writes a JPEG stream: marker segments byte by byte, entropy-coded data most significant bit first
/// with a zero stuffed after every 0xFF (T.81 F.1.2.3) and the last byte padded with one bits.
/// </summary>
internal sealed class JpegBitWriter
{
    private byte[] output;
    private int length;
    private ulong buffer;
    private int count;

    public JpegBitWriter(int initialCapacity)
    {
        output = new byte[Math.Max(initialCapacity, 1024)];
    }

    public void WriteByte(byte value)
    {
        EnsureCapacity(1);
        output[length++] = value;
    }

    public void WriteUInt16(int value)
    {
        WriteByte((byte)(value >> 8));
        WriteByte((byte)value);
    }

    public void WriteMarker(byte marker)
    {
        WriteByte(JpegMarker.Prefix);
        WriteByte(marker);
    }

    /// <summary>Appends the low <paramref name="bits"/> bits (at most 32) of <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBits(uint value, int bits)
    {
        buffer = (buffer << bits) | value;
        count += bits;
        if (count >= 32)
        {
            FlushWholeBytes();
        }
    }

    /// <summary>Pads the entropy-coded data with one bits to a byte boundary and writes it out.</summary>
    public void FinishEntropyCodedSegment()
    {
        var pad = (8 - (count & 7)) & 7;
        WriteBits((1u << pad) - 1, pad);
        FlushWholeBytes();
    }

    public byte[] ToArray() => output.AsSpan(0, length).ToArray();

    private void FlushWholeBytes()
    {
        EnsureCapacity(2 * (count >> 3));
        while (count >= 8)
        {
            count -= 8;
            var value = (byte)(buffer >> count);
            output[length++] = value;
            if (value == JpegMarker.Prefix)
            {
                output[length++] = 0;
            }
        }
    }

    private void EnsureCapacity(int extra)
    {
        if (length + extra > output.Length)
        {
            Array.Resize(ref output, Math.Max(output.Length * 2, length + extra));
        }
    }
}
