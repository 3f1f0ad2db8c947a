namespace Gateway.Dicom.Imaging;

/// <summary>Sample layout conversions of native frames.</summary>
public static class FrameLayout
{
    /// <summary>A copy of the frame with colour-by-plane samples rearranged colour-by-pixel (a plain copy otherwise).</summary>
    public static byte[] ToInterleaved(ReadOnlySpan<byte> frame, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.PlanarConfiguration != PlanarConfiguration.Planar || info.SamplesPerPixel == 1)
        {
            return frame.ToArray();
        }

        var samples = info.SamplesPerPixel;
        var size = info.BytesPerSample;
        var pixels = info.PixelCount;
        var result = new byte[frame.Length];
        for (var sample = 0; sample < samples; sample++)
        {
            var plane = frame.Slice(sample * pixels * size, pixels * size);
            for (var pixel = 0; pixel < pixels; pixel++)
            {
                plane.Slice(pixel * size, size).CopyTo(result.AsSpan(((pixel * samples) + sample) * size, size));
            }
        }

        return result;
    }

    /// <summary>Expands YBR_FULL_422 (Y1 Y2 Cb Cr per pixel pair, 8 or 16 bits) to YBR_FULL, repeating the chroma.</summary>
    public static byte[] ExpandYbr422(ReadOnlySpan<byte> frame, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var size = info.BytesPerSample;
        var result = new byte[info.NativeFrameLength];
        var pairs = info.PixelCount / 2;
        for (var pair = 0; pair < pairs; pair++)
        {
            var source = frame.Slice(pair * 4 * size, 4 * size);
            var target = result.AsSpan(pair * 6 * size, 6 * size);
            source[..size].CopyTo(target);
            source.Slice(2 * size, 2 * size).CopyTo(target[size..]);
            source.Slice(size, size).CopyTo(target[(3 * size)..]);
            source.Slice(2 * size, 2 * size).CopyTo(target[(4 * size)..]);
        }

        return result;
    }

    /// <summary>
    /// The frame with every sample confined to Bits Stored: unsigned samples with the high bits cleared, signed
    /// samples sign-extended (what codecs expect, and what they give back).
    /// </summary>
    public static byte[] Normalize(ReadOnlySpan<byte> frame, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var result = frame.ToArray();
        if (info.BitsStored == info.BitsAllocated || info.BitsAllocated < 8)
        {
            return result;
        }

        var bits = info.BitsStored;
        switch (info.BytesPerSample)
        {
            case 1:
                for (var i = 0; i < result.Length; i++)
                {
                    result[i] = (byte)Confine(result[i], bits, info.IsSigned);
                }

                break;
            case 2:
                var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(result.AsSpan());
                for (var i = 0; i < words.Length; i++)
                {
                    words[i] = (ushort)Confine(words[i], bits, info.IsSigned);
                }

                break;
            case 4:
                var dwords = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(result.AsSpan());
                for (var i = 0; i < dwords.Length; i++)
                {
                    dwords[i] = (uint)Confine(dwords[i], bits, info.IsSigned);
                }

                break;
        }

        return result;
    }

    private static long Confine(long value, int bits, bool signed)
    {
        var mask = (1L << bits) - 1;
        value &= mask;
        return signed && (value & (1L << (bits - 1))) != 0 ? value | ~mask : value;
    }
}
