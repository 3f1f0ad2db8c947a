using Gateway.Compression.Container;

namespace Gateway.Compression.Tests.Container;

/// <summary>Latent containers with known content for the format tests.</summary>
internal static class ContainerSamples
{
    public const string Sha256 = "93ec3fe3589041895a0f285bedd7df8fd6188f0116d398453e704c078a5cf83e";

    /// <summary>A smooth two-channel latent of two frames: channel 0 in about [-1.2, 1.2], channel 1 in [10, 12].</summary>
    public static LatentContainer TwoFrames(TilingInfo? tiling = null)
    {
        const int frames = 2, channels = 2, height = 24, width = 20;
        var latent = new float[frames * channels * height * width];
        var index = 0;
        for (var f = 0; f < frames; f++)
        {
            for (var c = 0; c < channels; c++)
            {
                for (var y = 0; y < height; y++)
                {
                    for (var x = 0; x < width; x++)
                    {
                        var wave = MathF.Sin((x * 0.31f) + (y * 0.17f) + f) * MathF.Cos(y * 0.23f);
                        latent[index++] = c == 0 ? 1.2f * wave : 11f + wave;
                    }
                }
            }
        }

        return new LatentContainer(
            "compact-f16-c1", Sha256, Rows: 96, Columns: 80, Frames: frames, BitsAllocated: 16, BitsStored: 12, Signed: true,
            PhotometricInterpretation: "MONOCHROME2", [new FrameNormalization(-1024, 3071), new FrameNormalization(-7.5, 2000.25)],
            tiling, [frames, channels, height, width], latent);
    }
}
