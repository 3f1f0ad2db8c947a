using Gateway.Core.Compression;

namespace Gateway.Compression.Engine;

/// <summary>
/// One loaded 3D model (ONNX Runtime sessions for its encoder and decoder): encodes a normalised volume (values in
/// [-1, 1], slices in order along the slice normal, each slice row after row) to its latent and decodes a latent back,
/// in overlapping 3D tiles where the volume is larger than a tile. Padding every axis to a multiple of
/// <see cref="ScalePerSide"/> and cropping back are its business too.
/// </summary>
public interface IVolumeAutoencoder
{
    /// <summary>The model as the registry knows it (<see cref="LatentModelInfo.Factor"/> is the factor on volume).</summary>
    LatentModelInfo Info { get; }

    /// <summary>How many voxels per axis one latent element covers (4 for f=64, 8 for f=512).</summary>
    int ScalePerSide { get; }

    /// <summary>The encoder's output for a volume of <paramref name="size"/>: C x d x h x w values, C order.</summary>
    LatentVolume Encode(ReadOnlySpan<float> volume, VolumeSize size, CancellationToken cancellationToken);

    /// <summary>The core extent of an encoder tile on every axis, in voxels: volumes up to this run whole.</summary>
    int TileSize { get; }

    /// <summary>The overlap an encoder tile carries on every side, in voxels (model.json tiling).</summary>
    int EncoderOverlapVoxels { get; }

    /// <summary>The decoder's output for <paramref name="latent"/>, cropped to <paramref name="size"/>, values in about [-1, 1].</summary>
    float[] Decode(LatentVolume latent, VolumeSize size, CancellationToken cancellationToken);

    /// <summary>
    /// Slices <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> of what
    /// <see cref="Decode"/> gives (the same values): only the latent slices they need are decoded, the decoder's
    /// overlap on either side.
    /// </summary>
    float[] DecodeSlices(LatentVolume latent, VolumeSize size, int first, int count, CancellationToken cancellationToken);
}

/// <summary>The extent of a volume in voxels: slices, rows, columns.</summary>
public readonly record struct VolumeSize(int Depth, int Height, int Width)
{
    /// <summary>The number of voxels; throws when it does not fit one array.</summary>
    public int Voxels => checked(Depth * Height * Width);

    /// <summary>Each axis rounded up to a multiple of <paramref name="step"/>.</summary>
    public VolumeSize RoundUp(int step) => new(RoundUp(Depth, step), RoundUp(Height, step), RoundUp(Width, step));

    /// <summary>Each axis divided by <paramref name="step"/> (rounding up).</summary>
    public VolumeSize DivideRoundingUp(int step) => new(RoundUp(Depth, step) / step, RoundUp(Height, step) / step, RoundUp(Width, step) / step);

    /// <summary>Each axis times <paramref name="step"/>.</summary>
    public VolumeSize Times(int step) => new(Depth * step, Height * step, Width * step);

    public override string ToString() => $"{Depth} x {Height} x {Width}";

    private static int RoundUp(int value, int step) => (value + step - 1) / step * step;
}

/// <summary>A latent of one volume: <see cref="Channels"/> x <see cref="Size"/> float32 values in C order.</summary>
public sealed record LatentVolume(int Channels, VolumeSize Size, float[] Values);
