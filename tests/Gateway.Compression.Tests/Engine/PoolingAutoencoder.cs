using Gateway.Compression.Engine;
using Gateway.Core.Compression;

namespace Gateway.Compression.Tests.Engine;

/// <summary>
/// A stand-in for a model (not the thing under test): encodes by averaging s x s blocks (the frame padded by edge
/// replication), channel c holding the average times (c + 1); decodes channel 0 by nearest-neighbour upsampling,
/// scaled by <paramref name="gain"/> so that a test can make it overshoot [-1, 1]. Records the images it was given.
/// </summary>
internal sealed class PoolingAutoencoder(string id, int scale, int channels = 1, double gain = 1) : IFrameAutoencoder
{
    public const string Sha256 = "16a531a37ba59abae6c6d0a39d0cabbcb9e162cc5b2fe2e8b601e6f0d78fe733";

    public LatentModelInfo Info { get; } = new(id, scale * scale, channels, Sha256, 30);

    public int ScalePerSide => scale;

    public List<float[]> EncodedImages { get; } = [];

    public LatentFrame Encode(ReadOnlySpan<float> image, int height, int width, CancellationToken cancellationToken)
    {
        EncodedImages.Add(image.ToArray());
        var (h, w) = ((height + scale - 1) / scale, (width + scale - 1) / scale);
        var values = new float[channels * h * w];
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var sum = 0.0;
                for (var dy = 0; dy < scale; dy++)
                {
                    for (var dx = 0; dx < scale; dx++)
                    {
                        sum += image[(Math.Min((y * scale) + dy, height - 1) * width) + Math.Min((x * scale) + dx, width - 1)];
                    }
                }

                for (var c = 0; c < channels; c++)
                {
                    values[(c * h * w) + (y * w) + x] = (float)(sum / (scale * scale) * (c + 1));
                }
            }
        }

        return new LatentFrame(channels, h, w, values);
    }

    public float[] Decode(LatentFrame latent, int height, int width, CancellationToken cancellationToken)
    {
        var image = new float[height * width];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[(y * width) + x] = (float)(gain * latent.Values[(y / scale * latent.Width) + (x / scale)]);
            }
        }

        return image;
    }
}
