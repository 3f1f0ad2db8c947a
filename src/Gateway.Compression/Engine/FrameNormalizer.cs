using Gateway.Compression.Container;

namespace Gateway.Compression.Engine;

/// <summary>
/// The per-frame intensity mapping of the models (model.json "normalization"): stored values v to
/// 2 (v - min) / (max - min) - 1 with the frame's own minimum and maximum (a constant frame maps to all -1), and back:
/// rounded, then clipped to [min, max] and to the stored range.
/// </summary>
internal static class FrameNormalizer
{
    public static FrameNormalization Measure(ReadOnlySpan<int> frame)
    {
        int min = frame[0], max = frame[0];
        foreach (var value in frame)
        {
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }

        return new FrameNormalization(min, max);
    }

    public static float[] Normalize(ReadOnlySpan<int> frame, FrameNormalization normalization)
    {
        var (min, max) = normalization;
        var image = new float[frame.Length];
        if (max <= min)
        {
            Array.Fill(image, -1f);
            return image;
        }

        var scale = 2.0 / (max - min);
        for (var i = 0; i < frame.Length; i++)
        {
            image[i] = (float)(((frame[i] - min) * scale) - 1);
        }

        return image;
    }

    public static void Denormalize(ReadOnlySpan<float> image, FrameNormalization normalization, (int Min, int Max) storedRange, Span<int> frame) =>
        Denormalize(image, normalization, normalization, storedRange, frame);

    /// <summary>
    /// Maps back by <paramref name="normalization"/> and clips to <paramref name="clip"/> and to the stored range (a
    /// series latent is normalised by its volume's range and clipped to each slice's own).
    /// </summary>
    public static void Denormalize(ReadOnlySpan<float> image, FrameNormalization normalization, FrameNormalization clip, (int Min, int Max) storedRange, Span<int> frame)
    {
        var (min, max) = normalization;
        var low = Math.Max(clip.Min, storedRange.Min);
        var high = Math.Min(clip.Max, storedRange.Max);
        if (low > high)
        {
            throw new LatentContainerException(
                LatentContainerError.Corrupt, $"The range [{clip.Min}, {clip.Max}] lies outside the stored range [{storedRange.Min}, {storedRange.Max}].");
        }

        var halfRange = (max - min) / 2;
        for (var i = 0; i < image.Length; i++)
        {
            if (float.IsNaN(image[i]))
            {
                throw new InvalidOperationException($"The decoder produced NaN at pixel {i}.");
            }

            var value = Math.Round(((image[i] + 1.0) * halfRange) + min);
            frame[i] = (int)Math.Clamp(value, low, high);
        }
    }
}
