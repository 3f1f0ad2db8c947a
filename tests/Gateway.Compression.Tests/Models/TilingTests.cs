using Gateway.Compression.Models;
using Gateway.Compression.Tests.Onnx;

namespace Gateway.Compression.Tests.Models;

/// <summary>
/// A 1024 x 768 frame (and a 601 x 530 one, padded) run in 512-pixel tiles (2 x 2, overlaps from model.json) equals the same frame run whole,
/// within 1e-4, for encode and decode; and the tile spans cover the frame with the promised overlap.
/// </summary>
public sealed class TilingTests
{
    private const float Tolerance = 1e-4f;

    [Theory]
    [InlineData("compact-f16-c1", 1024, 768)]
    [InlineData("compact-f64-c1", 1024, 768)]
    [InlineData("compact-f16-c1", 601, 530)]
    [InlineData("compact-f16-c2", 1024, 768)]
    [InlineData("compact-f64-c2", 601, 530)]
    public void TiledEncodeAndDecodeEqualTheWholeFrame(string modelId, int height, int width)
    {
        var folder = SharedModels.Folder(modelId);
        using var tiled = new OnnxFrameAutoencoder(folder, SharedOnnxRuntime.Instance, tileSize: 512);
        using var whole = new OnnxFrameAutoencoder(folder, SharedOnnxRuntime.Instance, tileSize: 2048);
        var image = SyntheticImage(height, width, seed: 11);

        var tiledLatent = tiled.Encode(image, height, width, CancellationToken.None);
        var wholeLatent = whole.Encode(image, height, width, CancellationToken.None);
        var tiledImage = tiled.Decode(wholeLatent, height, width, CancellationToken.None);
        var wholeImage = whole.Decode(wholeLatent, height, width, CancellationToken.None);

        Assert.Equal(512, tiled.TileSize);
        Assert.True(SharedModels.MaxAbsDifference(wholeLatent.Values, tiledLatent.Values) <= Tolerance, "tiled encode differs from whole-frame encode");
        Assert.True(SharedModels.MaxAbsDifference(wholeImage, tiledImage) <= Tolerance, "tiled decode differs from whole-frame decode");
    }

    [Fact]
    public void TileSpansCoverTheAxisWithOverlapOnAlignedOrigins()
    {
        var spans = TileSpan.Split(length: 1100, core: 512, overlap: 54, originStep: 4, endStep: 4);

        Assert.Equal(
            new[] { new TileSpan(0, 512, 0, 568), new TileSpan(512, 1024, 456, 1080), new TileSpan(1024, 1100, 968, 1100) },
            spans);
    }

    [Fact]
    public void AnAxisNoLongerThanACoreIsOneWholeSpan()
    {
        Assert.Equal(new[] { new TileSpan(0, 300, 0, 300) }, TileSpan.Split(300, 512, 15, 1, 1));
    }

    /// <summary>Smooth structure plus seeded noise in [-1, 1], so that tile seams would show.</summary>
    internal static float[] SyntheticImage(int height, int width, int seed)
    {
        var random = new Random(seed);
        var image = new float[height * width];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var value = (0.5 * Math.Sin(x / 23.0) * Math.Cos(y / 31.0)) + (x > width / 2 ? 0.3 : -0.2) + (0.1 * (random.NextDouble() - 0.5));
                image[(y * width) + x] = (float)Math.Clamp(value, -1, 1);
            }
        }

        return image;
    }
}
