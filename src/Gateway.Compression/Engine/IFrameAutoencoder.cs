using Gateway.Core.Compression;

namespace Gateway.Compression.Engine;

/// <summary>
/// One loaded model (ONNX Runtime sessions for its encoder and decoder): encodes a normalised frame (values in [-1, 1],
/// row after row) to its latent and decodes a latent back, tiling with overlap where the frame is larger than a tile.
/// Padding to a multiple of <see cref="ScalePerSide"/> and cropping back are its business too.
/// </summary>
public interface IFrameAutoencoder
{
    /// <summary>The model as the registry knows it.</summary>
    LatentModelInfo Info { get; }

    /// <summary>How many pixels per side one latent element covers (4 for f=16, 8 for f=64).</summary>
    int ScalePerSide { get; }

    /// <summary>The encoder's output for a <paramref name="height"/> x <paramref name="width"/> frame: C x h x w values, C order.</summary>
    LatentFrame Encode(ReadOnlySpan<float> image, int height, int width, CancellationToken cancellationToken);

    /// <summary>The decoder's output for <paramref name="latent"/>, cropped to <paramref name="height"/> x <paramref name="width"/>, values in about [-1, 1].</summary>
    float[] Decode(LatentFrame latent, int height, int width, CancellationToken cancellationToken);
}

/// <summary>A latent of one frame: <see cref="Channels"/> x <see cref="Height"/> x <see cref="Width"/> float32 values in C order.</summary>
public sealed record LatentFrame(int Channels, int Height, int Width, float[] Values);
