using Gateway.Dicom.Imaging;

namespace Gateway.Core.Compression;

/// <summary>Converts between native single-sample frames (little endian, BitsAllocated 8 or 16) and stored values.</summary>
public static class NativeSamples
{
    /// <summary>Native samples to stored values: the low BitsStored bits, sign-extended when signed.</summary>
    public static void ToValues(ReadOnlySpan<byte> native, FrameInfo info, Span<int> values)
    {
        ArgumentNullException.ThrowIfNull(info);
        var mask = (1 << info.BitsStored) - 1;
        var shift = 32 - info.BitsStored;
        for (var i = 0; i < values.Length; i++)
        {
            var raw = info.BitsAllocated == 8 ? native[i] : native[2 * i] | (native[(2 * i) + 1] << 8);
            var value = raw & mask;
            values[i] = info.IsSigned ? (value << shift) >> shift : value;
        }
    }

    /// <summary>Stored values to a native frame of <paramref name="bitsAllocated"/> 8 or 16 (two's complement where negative).</summary>
    public static byte[] ToNative(ReadOnlySpan<int> values, int bitsAllocated)
    {
        var native = new byte[values.Length * (bitsAllocated == 8 ? 1 : 2)];
        for (var i = 0; i < values.Length; i++)
        {
            if (bitsAllocated == 8)
            {
                native[i] = unchecked((byte)values[i]);
            }
            else
            {
                native[2 * i] = unchecked((byte)values[i]);
                native[(2 * i) + 1] = unchecked((byte)(values[i] >> 8));
            }
        }

        return native;
    }

    /// <summary>The largest absolute difference between the stored values of two frame sets of the same geometry.</summary>
    public static int MaxAbsError(PixelFrames original, PixelFrames reconstruction)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(reconstruction);
        if (original.Values.Length != reconstruction.Values.Length)
        {
            throw new ArgumentException($"{reconstruction.Values.Length} values to compare with {original.Values.Length}.", nameof(reconstruction));
        }

        var worst = 0;
        for (var i = 0; i < original.Values.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(original.Values[i] - reconstruction.Values[i]));
        }

        return worst;
    }
}
