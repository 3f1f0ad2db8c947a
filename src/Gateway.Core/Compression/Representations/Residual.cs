namespace Gateway.Core.Compression.Representations;

/// <summary>
/// The difference between an original and the latent's reconstruction, shifted to unsigned samples for the image
/// codecs: per frame, value = original - reconstruction + <see cref="Offsets"/>[frame], where the offset is minus the
/// frame's smallest difference, so every value lies in [0, 2^<see cref="Bits"/> - 1]. The reconstruction is clipped to
/// the stored range already, so a difference needs at most BitsStored + 1 bits; in practice far fewer, since the
/// offset and the width follow the differences that occur, not the ones that could.
/// </summary>
public sealed record Residual(int Rows, int Columns, int Frames, int Bits, int[] Offsets, int[] Values)
{
    /// <summary>The widest residual sample the codecs take (JPEG 2000 and JPEG-LS in 16-bit containers).</summary>
    public const int MaxBits = 16;

    public int FrameLength => Rows * Columns;

    /// <summary>
    /// The residual of <paramref name="original"/> over <paramref name="reconstruction"/>, at least
    /// <paramref name="minBits"/> wide; null when its values would need more than <see cref="MaxBits"/> bits.
    /// </summary>
    public static Residual? Of(PixelFrames original, PixelFrames reconstruction, int minBits)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(reconstruction);
        if ((original.Rows, original.Columns, original.Frames) != (reconstruction.Rows, reconstruction.Columns, reconstruction.Frames))
        {
            throw new ArgumentException("The reconstruction has another geometry than the original.", nameof(reconstruction));
        }

        var length = original.FrameLength;
        var offsets = new int[original.Frames];
        var values = new int[original.Values.Length];
        var span = 0;
        for (var f = 0; f < original.Frames; f++)
        {
            var (min, max) = (int.MaxValue, int.MinValue);
            for (var i = f * length; i < (f + 1) * length; i++)
            {
                var difference = original.Values[i] - reconstruction.Values[i];
                values[i] = difference;
                min = Math.Min(min, difference);
                max = Math.Max(max, difference);
            }

            offsets[f] = -min;
            span = Math.Max(span, max - min);
            for (var i = f * length; i < (f + 1) * length; i++)
            {
                values[i] += offsets[f];
            }
        }

        var bits = Math.Max(Math.Max(2, minBits), BitsFor(span));
        return bits > MaxBits ? null : new Residual(original.Rows, original.Columns, original.Frames, bits, offsets, values);
    }

    /// <summary>
    /// The reconstruction plus the (decoded) residual, clipped to the stored range: a value the residual codec moved
    /// outside it comes back to the nearest stored value, which is never farther from the original (inside it).
    /// </summary>
    public PixelFrames AddTo(PixelFrames reconstruction)
    {
        ArgumentNullException.ThrowIfNull(reconstruction);
        if (reconstruction.Values.Length != Values.Length)
        {
            throw new ArgumentException($"A residual of {Values.Length} values cannot be added to {reconstruction.Values.Length}.", nameof(reconstruction));
        }

        var (low, high) = reconstruction.StoredRange;
        var sum = new int[Values.Length];
        for (var f = 0; f < Frames; f++)
        {
            for (var i = f * FrameLength; i < (f + 1) * FrameLength; i++)
            {
                sum[i] = Math.Clamp(reconstruction.Values[i] + Values[i] - Offsets[f], low, high);
            }
        }

        return reconstruction with { Values = sum };
    }

    /// <summary>The bits an unsigned value up to <paramref name="largest"/> needs.</summary>
    public static int BitsFor(int largest) => largest <= 0 ? 1 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)largest);
}
