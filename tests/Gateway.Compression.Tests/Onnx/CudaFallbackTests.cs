using Gateway.Compression.Onnx;
using Microsoft.Extensions.Logging;

namespace Gateway.Compression.Tests.Onnx;

/// <summary>Asking for CUDA where the CUDA provider cannot be had (the npm library ships without its CUDA provider libraries) logs one warning and runs on the CPU.</summary>
public sealed class CudaFallbackTests
{
    [Fact]
    public void WithoutTheCudaProviderASessionLogsOneWarningAndStillRuns()
    {
        if (File.Exists(Path.Combine(Path.GetDirectoryName(OnnxRuntimeLibrary.ResolvePath(null))!, "libonnxruntime_providers_cuda.so")))
        {
            Assert.Skip("the CUDA provider library sits beside libonnxruntime.so.1 here; the fallback cannot be shown");
        }

        var logger = new RecordingLogger();
        var runtime = SharedOnnxRuntime.Instance;
        using var cudaRuntime = OnnxRuntime.Create(new OnnxRuntimeOptions { UseCuda = true, IntraOpThreads = 1 }, logger);
        using var session = cudaRuntime.CreateSession(SharedOnnxRuntime.ModelFile("compact-f16-c1", "decoder.onnx"));

        var output = session.Run(new float[8 * 8], [1, 1, 8, 8]);

        Assert.Equal(new long[] { 1, 1, 32, 32 }, output.Shape);
        var warning = Assert.Single(logger.Entries, entry => entry.Level == LogLevel.Warning);
        Assert.Contains("CUDA", warning.Message, StringComparison.Ordinal);
        Assert.Equal(runtime.Version, cudaRuntime.Version);
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
