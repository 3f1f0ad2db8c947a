using Gateway.Compression.Models;
using Gateway.Compression.Tests.Onnx;

namespace Gateway.Compression.Tests.Models;

/// <summary>The repository's onnx-models loaded once for the test run (tile size 512).</summary>
internal static class SharedModels
{
    private static readonly Lazy<ModelRegistry> Registry = new(() => ModelRegistry.Load(
        new ModelRegistryOptions { Directory = ModelsDirectory }, SharedOnnxRuntime.Instance, logger: null, CancellationToken.None));

    public static string ModelsDirectory => Path.Combine(TestData.RepositoryRoot, "onnx-models");

    public static ModelRegistry Instance => Registry.Value;

    public static ModelFolder Folder(string modelId) => ModelFolder.Open(Path.Combine(ModelsDirectory, modelId));

    public static float MaxAbsDifference(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var max = 0f;
        for (var i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        }

        return max;
    }
}
