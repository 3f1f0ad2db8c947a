using Gateway.Compression.Onnx;

namespace Gateway.Compression.Tests.Onnx;

/// <summary>One ONNX Runtime for the whole test run; 2 intra-op threads.</summary>
internal static class SharedOnnxRuntime
{
    private static readonly Lazy<OnnxRuntime> Runtime = new(() => OnnxRuntime.Create(new OnnxRuntimeOptions { IntraOpThreads = 2 }));

    /// <summary>The runtime; fails naming the NuGet package when the native library is not in the output folder.</summary>
    public static OnnxRuntime Instance => Runtime.Value;

    public static string ModelFile(string modelId, string file) => Path.Combine(TestData.RepositoryRoot, "onnx-models", modelId, file);
}
