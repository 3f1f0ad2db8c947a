using Gateway.Compression.Engine;
using Gateway.Compression.Models;
using Gateway.Compression.Tests.Onnx;

namespace Gateway.Compression.Tests.Models;

/// <summary>
/// A volume larger than one tile on every axis, run in 3D tiles (overlaps from model.json), equals the same volume
/// run whole, within 1e-4, for encode and decode. The long axis is longer than a tile plus the overlap on both sides,
/// so inner tiles are true sub-volumes on that axis; each case puts it on another axis.
/// </summary>
public sealed class VolumeTilingTests
{
    private const float Tolerance = 1e-4f;

    [Theory]
    [InlineData("compact3d-f64-c0", 32, 140, 40, 36)]
    [InlineData("compact3d-f64-c0", 32, 36, 140, 40)]
    [InlineData("compact3d-f64-c0", 32, 40, 36, 138)]
    [InlineData("compact3d-f512-c0", 16, 203, 24, 20)]
    public void TiledEncodeAndDecodeEqualTheWholeVolume(string modelId, int tileSize, int depth, int height, int width)
    {
        var folder = SharedModels.Folder(modelId);
        using var tiled = new OnnxVolumeAutoencoder(folder, SharedOnnxRuntime.Instance, tileSize);
        using var whole = new OnnxVolumeAutoencoder(folder, SharedOnnxRuntime.Instance, tileSize: 1024);
        var size = new VolumeSize(depth, height, width);
        var volume = SyntheticVolume(size, seed: 5);

        var tiledLatent = tiled.Encode(volume, size, CancellationToken.None);
        var wholeLatent = whole.Encode(volume, size, CancellationToken.None);
        var tiledVolume = tiled.Decode(wholeLatent, size, CancellationToken.None);
        var wholeVolume = whole.Decode(wholeLatent, size, CancellationToken.None);

        Assert.Equal(tileSize, tiled.TileSize);
        Assert.True(new[] { depth, height, width }.All(axis => axis > tileSize), "the volume must be larger than one tile on every axis");
        Assert.Equal(wholeLatent.Size, tiledLatent.Size);
        var encodeError = SharedModels.MaxAbsDifference(wholeLatent.Values, tiledLatent.Values);
        var decodeError = SharedModels.MaxAbsDifference(wholeVolume, tiledVolume);
        Assert.True(encodeError <= Tolerance, $"tiled encode differs from whole-volume encode by {encodeError}");
        Assert.True(decodeError <= Tolerance, $"tiled decode differs from whole-volume decode by {decodeError}");
        TestContext.Current.TestOutputHelper?.WriteLine($"{modelId} {size} in {tileSize}-voxel tiles: encode max abs difference {encodeError:E2}, decode {decodeError:E2}");
    }

    [Fact]
    public void AnOverlapTooSmallForTheDecoderShowsAtTheSeams()
    {
        var folder = SharedModels.Folder("compact3d-f64-c0");
        var size = new VolumeSize(140, 40, 36);
        using var whole = new OnnxVolumeAutoencoder(folder, SharedOnnxRuntime.Instance, tileSize: 1024);
        var latent = whole.Encode(SyntheticVolume(size, seed: 5), size, CancellationToken.None);
        var wholeVolume = whole.Decode(latent, size, CancellationToken.None);
        var root = Directory.CreateTempSubdirectory("medvae-models-");
        try
        {
            var copy = Directory.CreateDirectory(Path.Combine(root.FullName, "compact3d-f64-c0")).FullName;
            foreach (var name in new[] { "encoder.onnx", "decoder.onnx" })
            {
                File.Copy(Path.Combine(folder.Directory, name), Path.Combine(copy, name));
            }

            var json = File.ReadAllText(Path.Combine(folder.Directory, "model.json"));
            var overlap = $"\"decoder_overlap_latent\": {folder.Manifest.Tiling.DecoderOverlapLatent}";
            Assert.Contains(overlap, json, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(copy, "model.json"), json.Replace(overlap, "\"decoder_overlap_latent\": 1", StringComparison.Ordinal));
            using var seams = new OnnxVolumeAutoencoder(ModelFolder.Open(copy), SharedOnnxRuntime.Instance, tileSize: 32);

            var error = SharedModels.MaxAbsDifference(wholeVolume, seams.Decode(latent, size, CancellationToken.None));

            TestContext.Current.TestOutputHelper?.WriteLine($"1 latent voxel of overlap: max abs difference {error:E2}");
            Assert.True(error > 1e-3, $"with 1 latent voxel of overlap instead of {folder.Manifest.Tiling.DecoderOverlapLatent} the tiles should differ from the whole volume; max abs difference {error}");
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    /// <summary>Smooth structure, a plane edge and seeded noise in [-1, 1], so that tile seams would show.</summary>
    internal static float[] SyntheticVolume(VolumeSize size, int seed)
    {
        var random = new Random(seed);
        var volume = new float[size.Voxels];
        for (var z = 0; z < size.Depth; z++)
        {
            for (var y = 0; y < size.Height; y++)
            {
                for (var x = 0; x < size.Width; x++)
                {
                    var value = (0.5 * Math.Sin(x / 7.0) * Math.Cos(y / 9.0) * Math.Cos(z / 5.0)) + (x + z > (size.Width + size.Depth) / 2 ? 0.3 : -0.2)
                        + (0.1 * (random.NextDouble() - 0.5));
                    volume[(((z * size.Height) + y) * size.Width) + x] = (float)Math.Clamp(value, -1, 1);
                }
            }
        }

        return volume;
    }
}
