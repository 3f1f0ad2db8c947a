using Gateway.Compression.Onnx;

namespace Gateway.Compression.Tests.Onnx;

/// <summary>One ONNX Runtime for the whole test run (the library is loaded once per process); 2 intra-op threads.</summary>
internal static class SharedOnnxRuntime
{
    private static readonly Lazy<OnnxRuntime> Runtime = new(() => OnnxRuntime.Create(new OnnxRuntimeOptions { IntraOpThreads = 2 }));

    /// <summary>The runtime; fails with the library's install instructions when libonnxruntime.so.1 is missing.</summary>
    public static OnnxRuntime Instance => Runtime.Value;

    public static string ModelFile(string modelId, string file) => Path.Combine(TestData.RepositoryRoot, "onnx-models", modelId, file);
}
