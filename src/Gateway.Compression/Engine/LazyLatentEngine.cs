using Gateway.Compression.Models;
using Gateway.Compression.Onnx;
using Gateway.Core.Compression;
using Microsoft.Extensions.Logging;

namespace Gateway.Compression.Engine;

/// <summary>
/// The process's one latent engine (registered once by <see cref="CompressionServiceCollectionExtensions.AddGatewayCompression"/>),
/// loaded on first use: ONNX Runtime and the models (checked by sha256). When ONNX Runtime or the model folder cannot
/// be loaded, one log line; then <see cref="Models"/> is empty (latent rules store lossless) and encoding, decoding or
/// reading a latent fails with a message that says why.
/// </summary>
public sealed class LazyLatentEngine(OnnxRuntimeOptions runtimeOptions, ModelRegistryOptions modelOptions, ILogger<LazyLatentEngine> logger) : ILatentEngine, IDisposable
{
    private readonly Lock _lock = new();
    private OnnxRuntime? _runtime;
    private ModelRegistry? _registry;
    private LatentEngine? _engine;
    private string? _unavailable;
    private bool _loaded;

    /// <summary>The models; empty when the engine could not be loaded.</summary>
    public IReadOnlyList<LatentModelInfo> Models => Loaded()?.Models ?? [];

    public LatentEncoding Encode(string modelId, PixelFrames pixels, CancellationToken cancellationToken) => Required().Encode(modelId, pixels, cancellationToken);

    public PixelFrames Decode(ReadOnlySpan<byte> container, CancellationToken cancellationToken) => Required().Decode(container, cancellationToken);

    public LatentArray ReadLatent(ReadOnlySpan<byte> container) => Required().ReadLatent(container);

    public void Dispose()
    {
        _registry?.Dispose();
        _runtime?.Dispose();
    }

    private LatentEngine Required() => Loaded() ?? throw new InvalidOperationException(
        $"The latent engine is not available ({_unavailable}; see the start-up log), so latents cannot be encoded or decoded.");

    private LatentEngine? Loaded()
    {
        lock (_lock)
        {
            if (!_loaded)
            {
                _loaded = true;
                Load();
            }

            return _engine;
        }
    }

    private void Load()
    {
        try
        {
            _runtime = OnnxRuntime.Create(runtimeOptions, logger);
            _registry = ModelRegistry.Load(modelOptions, _runtime, logger, CancellationToken.None);
            _engine = new LatentEngine(_registry.Models);
        }
        catch (Exception exception) when (exception is OnnxRuntimeException or DllNotFoundException or DirectoryNotFoundException or IOException or InvalidOperationException)
        {
            _unavailable = exception.Message;
            Log.EngineUnavailable(logger, exception.Message);
            Dispose();
            _registry = null;
            _runtime = null;
        }
    }
}
