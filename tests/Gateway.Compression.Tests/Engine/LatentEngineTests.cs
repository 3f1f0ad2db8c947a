using Gateway.Compression.Container;
using Gateway.Compression.Engine;
using Gateway.Compression.Quality;
using Gateway.Core.Compression;

namespace Gateway.Compression.Tests.Engine;

public sealed class LatentEngineTests
{
    private const string ModelId = "pool-4";

    [Fact]
    public void Round_trip_keeps_the_geometry_of_every_frame()
    {
        var engine = new LatentEngine([new PoolingAutoencoder(ModelId, 4)]);
        var original = Smooth(rows: 30, columns: 45, frames: 3, bitsStored: 12, signed: false);

        var decoded = engine.Decode(engine.Encode(ModelId, original, TestContext.Current.CancellationToken).Container, TestContext.Current.CancellationToken);

        Assert.Equal((30, 45, 3, 16, 12, false),
            (decoded.Rows, decoded.Columns, decoded.Frames, decoded.BitsAllocated, decoded.BitsStored, decoded.Signed));
        Assert.InRange(QualityMetrics.Measure(original, decoded).Psnr, 25, 60);
    }

    [Theory]
    [InlineData(false, 12, 0)]
    [InlineData(true, 16, -1024)]
    public void Block_constant_frames_come_back_exactly(bool signed, int bitsStored, int offset)
    {
        // Each 4x4 block is one value: the stand-in model reproduces it, so only quantization could change a pixel.
        var engine = new LatentEngine([new PoolingAutoencoder(ModelId, 4)]);
        var original = BlockConstant(rows: 16, columns: 24, frames: 2, bitsStored, signed, offset, levels: 6);

        var encoding = engine.Encode(ModelId, original, TestContext.Current.CancellationToken);
        var decoded = engine.Decode(encoding.Container, TestContext.Current.CancellationToken);

        Assert.Equal(original.Values, decoded.Values);
    }

    [Fact]
    public void Each_frame_is_normalised_by_its_own_minimum_and_maximum()
    {
        var model = new PoolingAutoencoder(ModelId, 4);
        var engine = new LatentEngine([model]);
        var original = new PixelFrames(4, 4, 2, 16, 16, true, [.. Enumerable.Range(0, 16).Select(v => (v * 10) - 50), .. Enumerable.Range(0, 16).Select(v => v + 1000)]);

        var encoding = engine.Encode(ModelId, original, TestContext.Current.CancellationToken);

        Assert.Equal([new FrameNormalization(-50, 100), new FrameNormalization(1000, 1015)], LatentContainerFormat.Read(encoding.Container).Normalization);
        Assert.Equal(-1f, model.EncodedImages[0][0]);
        Assert.Equal(1f, model.EncodedImages[0][15]);
        Assert.Equal((2f * 7 / 15) - 1, model.EncodedImages[1][7], 6);
    }

    [Fact]
    public void A_constant_frame_is_encoded_as_all_minus_one_and_comes_back_constant()
    {
        var model = new PoolingAutoencoder(ModelId, 4);
        var engine = new LatentEngine([model]);
        var original = new PixelFrames(8, 8, 2, 16, 12, false, [.. Enumerable.Repeat(100, 64), .. Enumerable.Range(0, 64)]);

        var decoded = engine.Decode(engine.Encode(ModelId, original, TestContext.Current.CancellationToken).Container, TestContext.Current.CancellationToken);

        Assert.All(model.EncodedImages[0], value => Assert.Equal(-1f, value));
        Assert.All(decoded.Frame(0).ToArray(), value => Assert.Equal(100, value));
    }

    [Fact]
    public void Decoded_values_are_clipped_to_the_frame_range_when_the_model_overshoots()
    {
        var engine = new LatentEngine([new PoolingAutoencoder(ModelId, 4, gain: 1.5)]);
        var original = Smooth(rows: 32, columns: 32, frames: 2, bitsStored: 16, signed: true);

        var decoded = engine.Decode(engine.Encode(ModelId, original, TestContext.Current.CancellationToken).Container, TestContext.Current.CancellationToken);

        for (var f = 0; f < 2; f++)
        {
            var (min, max) = (original.Frame(f).ToArray().Min(), original.Frame(f).ToArray().Max());
            Assert.Equal(min, decoded.Frame(f).ToArray().Min()); // overshoot reaches both ends and is cut there
            Assert.Equal(max, decoded.Frame(f).ToArray().Max());
        }
    }

    [Fact]
    public void Decoded_values_stay_inside_the_stored_range_at_its_ends()
    {
        var engine = new LatentEngine([new PoolingAutoencoder(ModelId, 4, gain: 1.5)]);
        var original = new PixelFrames(8, 8, 1, 8, 8, false, Enumerable.Range(0, 64).Select(v => v < 32 ? 0 : 255).ToArray());

        var decoded = engine.Decode(engine.Encode(ModelId, original, TestContext.Current.CancellationToken).Container, TestContext.Current.CancellationToken);

        Assert.All(decoded.Values, value => Assert.InRange(value, 0, 255));
    }

    [Fact]
    public void Int8_is_chosen_when_it_costs_no_measurable_quality()
    {
        // The stand-in's own blockiness dominates: 8-bit codes change the decoded PSNR by far less than 0.1 dB.
        var engine = new LatentEngine([new PoolingAutoencoder(ModelId, 4)]);
        var original = Smooth(rows: 64, columns: 64, frames: 2, bitsStored: 12, signed: false, detail: 1.9);

        var encoding = engine.Encode(ModelId, original, TestContext.Current.CancellationToken);

        Assert.Equal("int8", encoding.Quantization);
        Assert.Equal(LatentQuantization.Int8, LatentContainerFormat.ReadWithQuantization(encoding.Container).Quantization);
    }

    [Fact]
    public void Fp16_is_chosen_when_int8_would_lose_quality()
    {
        // Block-constant 16-bit frames with many levels: fp16 decodes them (nearly) exactly, 256 codes cannot.
        var engine = new LatentEngine([new PoolingAutoencoder(ModelId, 4)]);
        var original = BlockConstant(rows: 64, columns: 64, frames: 1, bitsStored: 16, signed: false, offset: 0, levels: 4000);

        var encoding = engine.Encode(ModelId, original, TestContext.Current.CancellationToken);

        Assert.Equal("fp16", encoding.Quantization);
        Assert.Equal(LatentQuantization.Fp16, LatentContainerFormat.ReadWithQuantization(encoding.Container).Quantization);
    }

    [Fact]
    public void The_same_pixels_give_the_same_container_bytes()
    {
        var engine = new LatentEngine([new PoolingAutoencoder(ModelId, 4, channels: 2)]);
        var original = Smooth(rows: 40, columns: 36, frames: 2, bitsStored: 12, signed: false);

        Assert.Equal(engine.Encode(ModelId, original, TestContext.Current.CancellationToken).Container, engine.Encode(ModelId, original, TestContext.Current.CancellationToken).Container);
    }

    [Fact]
    public void A_corrupted_container_is_refused_on_decode()
    {
        var engine = new LatentEngine([new PoolingAutoencoder(ModelId, 4)]);
        var container = engine.Encode(ModelId, Smooth(16, 16, 1, 12, false), TestContext.Current.CancellationToken).Container;
        container[container.Length / 2] ^= 0x10;

        var exception = Assert.Throws<LatentContainerException>(() => engine.Decode(container, TestContext.Current.CancellationToken));
        Assert.Equal(LatentContainerError.ChecksumMismatch, exception.Error);
    }

    [Fact]
    public void An_unknown_model_is_refused_on_encode_and_on_decode()
    {
        var engine = new LatentEngine([new PoolingAutoencoder(ModelId, 4)]);
        var other = new LatentEngine([new PoolingAutoencoder("pool-8", 8)]);
        var pixels = Smooth(16, 16, 1, 12, false);

        var onEncode = Assert.Throws<LatentModelUnavailableException>(() => engine.Encode("nope", pixels, TestContext.Current.CancellationToken));
        var onDecode = Assert.Throws<LatentModelUnavailableException>(() => engine.Decode(other.Encode("pool-8", pixels, TestContext.Current.CancellationToken).Container, TestContext.Current.CancellationToken));

        Assert.Contains("nope", onEncode.Message, StringComparison.Ordinal);
        Assert.Equal("pool-8", onDecode.ModelId);
    }

    [Fact]
    public void Pixels_outside_the_stored_range_are_refused()
    {
        var engine = new LatentEngine([new PoolingAutoencoder(ModelId, 4)]);
        Assert.Throws<ArgumentException>(() => engine.Encode(ModelId, new PixelFrames(2, 2, 1, 16, 12, false, [0, 1, 2, 4096]), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Read_latent_gives_the_encoder_output_with_its_shape_and_model()
    {
        var engine = new LatentEngine([new PoolingAutoencoder(ModelId, 4, channels: 2)]);
        // 8x8 frame of two 4-column halves 0 and 255 (range 0..255): block averages are exactly -1 and 1.
        var original = new PixelFrames(8, 8, 1, 8, 8, false, Enumerable.Range(0, 64).Select(i => i % 8 < 4 ? 0 : 255).ToArray());

        var latent = engine.ReadLatent(engine.Encode(ModelId, original, TestContext.Current.CancellationToken).Container);

        Assert.Equal(ModelId, latent.ModelId);
        Assert.Equal([1, 2, 2, 2], latent.Shape);
        Assert.Equal([-1f, 1f, -1f, 1f, -2f, 2f, -2f, 2f], latent.Values);
    }

    [Fact]
    public void Models_lists_every_registered_model()
    {
        var engine = new LatentEngine([new PoolingAutoencoder("a", 4), new PoolingAutoencoder("b", 8)]);
        Assert.Equal(["a", "b"], engine.Models.Select(m => m.Id));
    }

    private static PixelFrames Smooth(int rows, int columns, int frames, int bitsStored, bool signed, double detail = 0.4)
    {
        var values = new int[rows * columns * frames];
        var (min, max) = new PixelFrames(1, 1, 1, 16, bitsStored, signed, [0]).StoredRange;
        for (var f = 0; f < frames; f++)
        {
            for (var y = 0; y < rows; y++)
            {
                for (var x = 0; x < columns; x++)
                {
                    var wave = (Math.Sin((x * detail * 0.3) + f) * Math.Cos(y * detail * 0.2)) * 0.45;
                    values[(((f * rows) + y) * columns) + x] = (int)Math.Round(min + ((max - min) * (0.5 + wave)));
                }
            }
        }

        return new PixelFrames(rows, columns, frames, 16, bitsStored, signed, values);
    }

    private static PixelFrames BlockConstant(int rows, int columns, int frames, int bitsStored, bool signed, int offset, int levels)
    {
        var values = new int[rows * columns * frames];
        for (var f = 0; f < frames; f++)
        {
            for (var y = 0; y < rows; y++)
            {
                for (var x = 0; x < columns; x++)
                {
                    var block = ((y / 4 * 7) + (x / 4 * 13) + (f * 5)) % levels;
                    values[(((f * rows) + y) * columns) + x] = offset + (block * 15);
                }
            }
        }

        return new PixelFrames(rows, columns, frames, 16, bitsStored, signed, values);
    }
}
