namespace Gateway.Compression.Container;

/// <summary>
/// Everything a series latent object holds (docs/decisions/series-latents.md, "Container"): the model (id and
/// sha256); the geometry of the volume (slices in order along the normal, rows, columns, bits, signedness); the
/// volume's minimum and maximum (the encoder's normalisation) and each slice's own (the decode is clipped to it, as a
/// 2D decode is clipped to its frame's); the tiling per axis (depth, rows, columns: core voxels and encoder overlap);
/// the SHA-256 of the ordered SOP Instance UID list (<see cref="SliceOrder"/>); and the latent as float32
/// [1, C, d, h, w] in C order. <see cref="VolumeContainerFormat"/> writes it (int8 per channel, compressed, with a
/// checksum) and reads it back.
/// </summary>
public sealed record VolumeLatentContainer(
    string ModelId,
    string ModelSha256,
    int Slices,
    int Rows,
    int Columns,
    int BitsAllocated,
    int BitsStored,
    bool Signed,
    FrameNormalization Volume,
    IReadOnlyList<FrameNormalization> SliceRanges,
    IReadOnlyList<TilingInfo> Tiling,
    byte[] SliceOrderSha256,
    int[] LatentShape,
    float[] Latent)
{
    /// <summary>Latent channels (C).</summary>
    public int Channels => LatentShape[1];

    /// <summary>The latent's extent: d, h, w.</summary>
    public (int Depth, int Height, int Width) LatentSize => (LatentShape[2], LatentShape[3], LatentShape[4]);
}
