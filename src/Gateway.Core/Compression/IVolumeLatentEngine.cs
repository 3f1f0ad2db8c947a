namespace Gateway.Core.Compression;

/// <summary>
/// Turns a series volume into one series latent container and slices of it back, with a 3D model (Gateway.Compression
/// implements it with ONNX Runtime; a 3D model is checked and opened on its first use). Deterministic: the same
/// volume, slice order and model give the same container bytes.
/// </summary>
public interface IVolumeLatentEngine
{
    /// <summary>Whether a 3D model of this id was found (it may still be refused when it is first used).</summary>
    bool Knows(string modelId);

    /// <summary>
    /// Encodes <paramref name="volume"/> (its frames are the slices, in order along the slice normal) into a series
    /// latent container that records <paramref name="sopInstanceUids"/> (one per slice, in that order) by their hash.
    /// </summary>
    VolumeLatentEncoding Encode(string modelId, PixelFrames volume, IReadOnlyList<string> sopInstanceUids, CancellationToken cancellationToken);

    /// <summary>
    /// Slices <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> of a series latent, as
    /// stored values clipped to each slice's own range; the container must have been made for exactly
    /// <paramref name="sopInstanceUids"/> in that order. Decodes only the latent slices those need.
    /// </summary>
    PixelFrames DecodeSlices(ReadOnlySpan<byte> container, IReadOnlyList<string> sopInstanceUids, int first, int count, CancellationToken cancellationToken);

    /// <summary>The slab of slices retrieval decodes at once for <paramref name="slice"/> of a <paramref name="slices"/>-slice volume of <paramref name="modelId"/>.</summary>
    (int First, int Count) SlabOf(string modelId, int slices, int slice);

    /// <summary>
    /// The latent of a series latent as float32 (dequantized, what a decode starts from), for AI pipelines (the series
    /// /latent resource); the container must have been made for exactly <paramref name="sopInstanceUids"/> in that order.
    /// </summary>
    VolumeLatentArray ReadLatent(ReadOnlySpan<byte> container, IReadOnlyList<string> sopInstanceUids);
}

/// <summary>A series latent: the container bytes and the 3D model that made it (<see cref="LatentModelInfo.Factor"/> on volume).</summary>
public sealed record VolumeLatentEncoding(byte[] Container, LatentModelInfo Model);

/// <summary>
/// A series latent as float32 [channels, d, h, w] (C order) with the 3D model that made it, its scale per axis (latent
/// slice k covers slices k x scale to k x scale + scale - 1) and the geometry of the volume it encodes.
/// </summary>
public sealed record VolumeLatentArray(LatentModelInfo Model, int ScalePerSide, int Slices, int Rows, int Columns, int BitsStored, bool Signed, int[] Shape, float[] Values);
