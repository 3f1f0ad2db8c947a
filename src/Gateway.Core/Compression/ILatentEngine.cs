namespace Gateway.Core.Compression;

/// <summary>
/// Turns pixels into a latent container and back with one of the registered models (Gateway.Compression implements
/// it with ONNX Runtime). Deterministic: the same pixels and model give the same container bytes.
/// </summary>
public interface ILatentEngine
{
    /// <summary>The models the engine can encode and decode with (the registry, checked by sha256 at start-up).</summary>
    IReadOnlyList<LatentModelInfo> Models { get; }

    /// <summary>Encodes every frame with <paramref name="modelId"/> (tiled where larger than a tile) into a container.</summary>
    LatentEncoding Encode(string modelId, PixelFrames pixels, CancellationToken cancellationToken);

    /// <summary>Decodes a container back to stored values with the geometry it was encoded from (clipped to the stored range).</summary>
    PixelFrames Decode(ReadOnlySpan<byte> container, CancellationToken cancellationToken);

    /// <summary>The latent itself as float32, for AI pipelines (the /latent endpoint).</summary>
    LatentArray ReadLatent(ReadOnlySpan<byte> container);
}

/// <summary>A model the engine serves: its id, factor on area, latent channels, the sha256 of its files and the PSNR its card reports.</summary>
public sealed record LatentModelInfo(string Id, int Factor, int LatentChannels, string Sha256, double CardPsnr);

/// <summary>
/// An encoded instance: the container bytes, how its latent was quantized ("fp16" or "int8"), and
/// <paramref name="Reconstruction"/>: what <see cref="ILatentEngine.Decode"/> gives for exactly these container bytes
/// (the engine decoded them to choose the quantization), so a caller holding the same bytes need not decode again; and
/// <paramref name="AiContainer"/>, the same latent quantized to 8 bits, which is what an AI latent kept beside another
/// representation stores (the features for AI pipelines, in their smallest form; the fp16/int8 choice is about
/// reconstructed pixels, which that latent never serves).
/// </summary>
public sealed record LatentEncoding(byte[] Container, string ModelId, string Quantization, PixelFrames Reconstruction, byte[] AiContainer);

/// <summary>A latent as float32 with its shape [frames, channels, height, width] (C order) and the model that made it.</summary>
public sealed record LatentArray(string ModelId, int[] Shape, float[] Values);
