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
}
