namespace Gateway.Core.Compression;

/// <summary>
/// The stored values of every frame of a single-sample (monochrome) instance: frame after frame, row after row,
/// as integers (signed when <paramref name="Signed"/>), before any Modality LUT. What the latent engine encodes and
/// what it gives back, with the same geometry.
/// </summary>
public sealed record PixelFrames(int Rows, int Columns, int Frames, int BitsAllocated, int BitsStored, bool Signed, int[] Values)
{
    /// <summary>Pixels per frame.</summary>
    public int FrameLength => checked(Rows * Columns);

    /// <summary>The values of frame <paramref name="index"/> (0-based).</summary>
    public ReadOnlySpan<int> Frame(int index) => Values.AsSpan(index * FrameLength, FrameLength);

    /// <summary>The smallest and largest value the stored bits can hold.</summary>
    public (int Min, int Max) StoredRange => Signed
        ? (-(1 << (BitsStored - 1)), (1 << (BitsStored - 1)) - 1)
        : (0, BitsStored >= 31 ? int.MaxValue : (1 << BitsStored) - 1);
}
