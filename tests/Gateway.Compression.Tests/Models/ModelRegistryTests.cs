using Gateway.Compression.Models;
using Gateway.Compression.Tests.Onnx;

namespace Gateway.Compression.Tests.Models;

/// <summary>The registry against the repository's onnx-models and against a copy with a changed file.</summary>
public sealed class ModelRegistryTests
{
    [Fact]
    public void LoadsBothModelsWithTheirModelJsonFacts()
    {
        var infos = SharedModels.Instance.Infos;

        Assert.Empty(SharedModels.Instance.Refused);
        Assert.Equal(["compact-f16-c1", "compact-f16-c2", "compact-f64-c1", "compact-f64-c2"], infos.Select(info => info.Id).ToArray());
        var f16 = infos[0];
        Assert.Equal(16, f16.Factor);
        Assert.Equal(1, f16.LatentChannels);
        Assert.Equal(35.1502, f16.CardPsnr);
        Assert.Equal(4, SharedModels.Instance.Get("compact-f16-c1").ScalePerSide);
        Assert.Equal(8, SharedModels.Instance.Get("compact-f64-c1").ScalePerSide);
    }

    [Fact]
    public void VolumeModelsAreLoadedApartFromFrameModels()
    {
        var registry = SharedModels.Instance;

        Assert.Equal(["compact3d-f512-c0", "compact3d-f64-c0"], registry.VolumeModelIds.ToArray());
        Assert.DoesNotContain(registry.Infos, info => info.Id.StartsWith("compact3d", StringComparison.Ordinal));
        var f64 = registry.GetVolume("compact3d-f64-c0");
        Assert.Equal((64, 4, 1), (f64.Info.Factor, f64.ScalePerSide, f64.Info.LatentChannels));
        Assert.Equal((512, 8), (registry.GetVolume("compact3d-f512-c0").Info.Factor, registry.GetVolume("compact3d-f512-c0").ScalePerSide));
        Assert.Equal(3, SharedModels.Folder("compact3d-f64-c0").Manifest.Dimensions);
        Assert.Equal(2, SharedModels.Folder("compact-f16-c1").Manifest.Dimensions);
    }

    [Fact]
    public void AFrameConsumerNeverGetsAVolumeModelNorTheReverse()
    {
        var registry = SharedModels.Instance;

        var frame = Assert.Throws<KeyNotFoundException>(() => registry.Get("compact3d-f64-c0"));
        var volume = Assert.Throws<KeyNotFoundException>(() => registry.GetVolume("compact-f16-c1"));

        Assert.Contains("is a 3D model; it cannot serve 2D frames", frame.Message, StringComparison.Ordinal);
        Assert.Contains("is a 2D model; it cannot serve 3D volumes", volume.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new OnnxVolumeAutoencoder(SharedModels.Folder("compact-f16-c1"), SharedOnnxRuntime.Instance, 256));
    }

    [Fact]
    public void AManifestWhoseFactorIsNotTheScaleToItsDimensionalityIsRefused()
    {
        var root = Directory.CreateTempSubdirectory("medvae-models-");
        try
        {
            var source = Path.Combine(SharedModels.ModelsDirectory, "compact3d-f64-c0");
            var copy = Directory.CreateDirectory(Path.Combine(root.FullName, "compact3d-f64-c0")).FullName;
            var json = File.ReadAllText(Path.Combine(source, "model.json"));
            Assert.Contains("\"dimensionality\": 3", json, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(copy, "model.json"), json.Replace("\"dimensionality\": 3", "\"dimensionality\": 2", StringComparison.Ordinal));

            using var registry = ModelRegistry.Load(new ModelRegistryOptions { Directory = root.FullName }, SharedOnnxRuntime.Instance, logger: null, CancellationToken.None);

            Assert.Empty(registry.Models);
            Assert.Empty(registry.VolumeModelIds);
            Assert.Contains("f=64 is not scale_per_side 4 to the power 2", Assert.Single(registry.Refused).Reason, StringComparison.Ordinal);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void TheModelHashIsTheSha256OfDecoderOnnxBytes()
    {
        var path = Path.Combine(SharedModels.ModelsDirectory, "compact-f16-c1", "decoder.onnx");
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));

        Assert.Equal(expected, SharedModels.Instance.Get("compact-f16-c1").Info.Sha256);
    }

    [Fact]
    public void AModelWhoseDecoderDoesNotMatchItsSha256IsRefused()
    {
        var root = Directory.CreateTempSubdirectory("medvae-models-");
        try
        {
            var source = Path.Combine(SharedModels.ModelsDirectory, "compact-f16-c1");
            var copy = Directory.CreateDirectory(Path.Combine(root.FullName, "compact-f16-c1")).FullName;
            foreach (var name in new[] { "model.json", "encoder.onnx", "decoder.onnx" })
            {
                File.Copy(Path.Combine(source, name), Path.Combine(copy, name));
            }

            using (var stream = new FileStream(Path.Combine(copy, "decoder.onnx"), FileMode.Append))
            {
                stream.WriteByte(0);
            }

            using var registry = ModelRegistry.Load(new ModelRegistryOptions { Directory = root.FullName }, SharedOnnxRuntime.Instance, logger: null, CancellationToken.None);

            Assert.Empty(registry.Models);
            var refused = Assert.Single(registry.Refused);
            Assert.Contains("decoder.onnx has sha256", refused.Reason, StringComparison.Ordinal);
            var exception = Assert.Throws<KeyNotFoundException>(() => registry.Get("compact-f16-c1"));
            Assert.Contains("refused", exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void AManifestOfAnotherFormatIsRefused()
    {
        var root = Directory.CreateTempSubdirectory("medvae-models-");
        try
        {
            var folder = Directory.CreateDirectory(Path.Combine(root.FullName, "other")).FullName;
            File.WriteAllText(Path.Combine(folder, "model.json"), """{"id": "other", "format": "something-else/2"}""");

            using var registry = ModelRegistry.Load(new ModelRegistryOptions { Directory = root.FullName }, SharedOnnxRuntime.Instance, logger: null, CancellationToken.None);

            Assert.Contains("something-else/2", Assert.Single(registry.Refused).Reason, StringComparison.Ordinal);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void AVolumeModelIsCheckedOnlyWhenFirstAskedFor()
    {
        var root = Directory.CreateTempSubdirectory("medvae-models-");
        try
        {
            var source = Path.Combine(SharedModels.ModelsDirectory, "compact3d-f64-c0");
            var copy = Directory.CreateDirectory(Path.Combine(root.FullName, "compact3d-f64-c0")).FullName;
            foreach (var name in new[] { "model.json", "encoder.onnx", "decoder.onnx" })
            {
                File.Copy(Path.Combine(source, name), Path.Combine(copy, name));
            }

            using (var stream = new FileStream(Path.Combine(copy, "encoder.onnx"), FileMode.Append))
            {
                stream.WriteByte(0);
            }

            using var registry = ModelRegistry.Load(new ModelRegistryOptions { Directory = root.FullName }, SharedOnnxRuntime.Instance, logger: null, CancellationToken.None);

            // Loading did not hash it: it is listed and not refused until a consumer asks for it.
            Assert.Empty(registry.Refused);
            Assert.Equal(["compact3d-f64-c0"], registry.VolumeModelIds.ToArray());
            var exception = Assert.Throws<KeyNotFoundException>(() => registry.GetVolume("compact3d-f64-c0"));
            Assert.Contains("encoder.onnx has sha256", exception.Message, StringComparison.Ordinal);
            Assert.Contains("encoder.onnx has sha256", Assert.Throws<KeyNotFoundException>(() => registry.GetVolume("compact3d-f64-c0")).Message, StringComparison.Ordinal);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
