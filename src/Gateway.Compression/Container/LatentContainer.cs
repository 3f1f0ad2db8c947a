namespace Gateway.Compression.Container;

/// <summary>How one frame's stored values were mapped to [-1, 1] before encoding: v -> 2 (v - Min) / (Max - Min) - 1.</summary>
public readonly record struct FrameNormalization(double Min, double Max);

/// <summary>How the encoder was run: whole image, or tiles of <see cref="TileSize"/> pixels overlapping by <see cref="OverlapPixels"/>.</summary>
public sealed record TilingInfo(int TileSize, int OverlapPixels);

/// <summary>
/// Everything a latent object holds (DESIGN.md "Latent container"): the model (id and sha256), the latent as float32
/// [frames, channels, height, width] in C order, the original geometry and the normalisation of each frame, and the
/// tiling used. <see cref="LatentContainerFormat"/> writes it (quantized, compressed, with a checksum) and reads it back.
/// </summary>
public sealed record LatentContainer(
    string ModelId,
    string ModelSha256,
    int Rows,
    int Columns,
    int Frames,
    int BitsAllocated,
    int BitsStored,
    bool Signed,
    string PhotometricInterpretation,
    IReadOnlyList<FrameNormalization> Normalization,
    TilingInfo? Tiling,
    int[] LatentShape,
    float[] Latent);
