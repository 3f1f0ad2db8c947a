using System.Runtime.InteropServices;
using Gateway.Compression.Onnx;
using Microsoft.Extensions.Logging;

namespace Gateway.Compression.Tests.Onnx;

/// <summary>
/// Asking for CUDA where it cannot be had (the CPU package has no CUDA provider; the GPU package without a CUDA 13
/// runtime cannot load libcublasLt.so.13): CudaOrCpu logs one warning for the runtime, whatever the number of sessions,
/// and runs on the CPU; Cuda refuses with a message that says what a GPU worker needs.
/// </summary>
public sealed class CudaFallbackTests
{
    [Fact]
    public void WithoutCudaTheRuntimeLogsOneWarningAndItsSessionsStillRun()
    {
        SkipWhereCudaWorks();
        var logger = new RecordingLogger();
        using var cudaRuntime = OnnxRuntime.Create(new OnnxRuntimeOptions { ExecutionProvider = ExecutionProvider.CudaOrCpu, IntraOpThreads = 1 }, logger);
        using var encoder = cudaRuntime.CreateSession(SharedOnnxRuntime.ModelFile("compact-f16-c1", "encoder.onnx"));
        using var decoder = cudaRuntime.CreateSession(SharedOnnxRuntime.ModelFile("compact-f16-c1", "decoder.onnx"));

        var latent = encoder.Run(new float[32 * 32], [1, 1, 32, 32]);
        var output = decoder.Run(latent.Values, latent.Shape);

        Assert.Equal(new long[] { 1, 1, 8, 8 }, latent.Shape);
        Assert.Equal(new long[] { 1, 1, 32, 32 }, output.Shape);
        var warning = Assert.Single(logger.Entries, entry => entry.Level == LogLevel.Warning);
        Assert.Contains("CUDA", warning.Message, StringComparison.Ordinal);
        Assert.Equal(SharedOnnxRuntime.Instance.Version, cudaRuntime.Version);
    }

    [Fact]
    public void WithoutCudaARequiredCudaProviderIsRefusedWithWhatAGpuWorkerNeeds()
    {
        SkipWhereCudaWorks();
        var refused = Assert.Throws<CudaUnavailableException>(() => OnnxRuntime.Create(new OnnxRuntimeOptions { ExecutionProvider = ExecutionProvider.Cuda, CudaDeviceId = 1 }));

        Assert.Contains("ExecutionProvider is Cuda", refused.Message, StringComparison.Ordinal);
        Assert.Contains("CUDA device 1", refused.Message, StringComparison.Ordinal);
        Assert.Contains("-p:OnnxRuntimeGpu=true", refused.Message, StringComparison.Ordinal);
    }

    private static void SkipWhereCudaWorks()
    {
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, "libonnxruntime_providers_cuda.so")) && NativeLibrary.TryLoad("libcublasLt.so.13", out var cublas))
        {
            NativeLibrary.Free(cublas);
            Assert.Skip("the CUDA build of ONNX Runtime and a CUDA runtime are both here; the fallback cannot be shown");
        }
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            Entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
