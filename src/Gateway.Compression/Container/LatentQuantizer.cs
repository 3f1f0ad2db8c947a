namespace Gateway.Compression.Container;

/// <summary>The scale and offset of one latent channel under <see cref="LatentQuantization.Int8"/>: value = Offset + Scale * code.</summary>
internal readonly record struct ChannelScale(float Scale, float Offset);

/// <summary>Latent values to codes (fp16 bits or 8-bit codes, little-endian) and back.</summary>
internal static class LatentQuantizer
{
    /// <summary>Half-precision bits of every value, 2 bytes each, little-endian.</summary>
    public static byte[] ToFp16(ReadOnlySpan<float> values)
    {
        var codes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]) || Math.Abs(values[i]) > (float)Half.MaxValue)
            {
                throw new ArgumentException($"Latent value {values[i]} at {i} cannot be stored as fp16.", nameof(values));
            }

            var bits = BitConverter.HalfToUInt16Bits((Half)values[i]);
            codes[2 * i] = (byte)bits;
            codes[(2 * i) + 1] = (byte)(bits >> 8);
        }

        return codes;
    }

    /// <summary>The values of half-precision codes.</summary>
    public static float[] FromFp16(ReadOnlySpan<byte> codes)
    {
        var values = new float[codes.Length / 2];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)BitConverter.UInt16BitsToHalf((ushort)(codes[2 * i] | (codes[(2 * i) + 1] << 8)));
        }

        return values;
    }

    /// <summary>8-bit codes of [frames, channels, height, width] values, with each channel's scale and offset over all frames.</summary>
    public static (byte[] Codes, ChannelScale[] Channels) ToInt8(ReadOnlySpan<float> values, int frames, int channels, int planeLength)
    {
        var scales = new ChannelScale[channels];
        for (var c = 0; c < channels; c++)
        {
            var min = float.PositiveInfinity;
            var max = float.NegativeInfinity;
            for (var f = 0; f < frames; f++)
            {
                foreach (var value in Plane(values, f, c, channels, planeLength))
                {
                    if (!float.IsFinite(value))
                    {
                        throw new ArgumentException($"Latent value {value} in channel {c} cannot be quantized.", nameof(values));
                    }

                    min = Math.Min(min, value);
                    max = Math.Max(max, value);
                }
            }

            scales[c] = new ChannelScale((max - min) / 255f, min);
        }

        var codes = new byte[values.Length];
        for (var f = 0; f < frames; f++)
        {
            for (var c = 0; c < channels; c++)
            {
                var (scale, offset) = scales[c];
                var plane = Plane(values, f, c, channels, planeLength);
                var start = ((f * channels) + c) * planeLength;
                for (var i = 0; i < plane.Length; i++)
                {
                    var code = scale > 0 ? MathF.Round((plane[i] - offset) / scale) : 0;
                    codes[start + i] = (byte)Math.Clamp(code, 0, 255);
                }
            }
        }

        return (codes, scales);
    }

    /// <summary>The values of 8-bit codes laid out [frames, channels, height, width].</summary>
    public static float[] FromInt8(ReadOnlySpan<byte> codes, ReadOnlySpan<ChannelScale> scales, int planeLength)
    {
        var values = new float[codes.Length];
        for (var i = 0; i < codes.Length; i++)
        {
            var (scale, offset) = scales[i / planeLength % scales.Length];
            values[i] = offset + (scale * codes[i]);
        }

        return values;
    }

    private static ReadOnlySpan<float> Plane(ReadOnlySpan<float> values, int frame, int channel, int channels, int planeLength) =>
        values.Slice(((frame * channels) + channel) * planeLength, planeLength);
}
