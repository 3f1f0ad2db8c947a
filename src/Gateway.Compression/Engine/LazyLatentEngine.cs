using Gateway.Compression.Models;
using Gateway.Compression.Onnx;
using Gateway.Core.Compression;
using Microsoft.Extensions.Logging;

namespace Gateway.Compression.Engine;

/// <summary>
/// The process's one latent engine (registered once by <see cref="CompressionServiceCollectionExtensions.AddGatewayCompression"/>),
/// loaded on first use: ONNX Runtime and the models (checked by sha256). When ONNX Runtime or the model folder cannot
/// be loaded, one log line; then <see cref="Models"/> is empty (latent rules store lossless) and encoding, decoding or
/// reading a latent fails with a message that says why. The same registry serves the series latents
/// (<see cref="IVolumeLatentEngine"/>), whose 3D models it checks and opens only when one is first used. A required
/// CUDA provider that cannot be had (<see cref="CudaUnavailableException"/>) is not caught: the first use, at start-up,
/// fails the start.
/// </summary>
public sealed class LazyLatentEngine(OnnxRuntimeOptions runtimeOptions, ModelRegistryOptions modelOptions, ILogger<LazyLatentEngine> logger) : ILatentEngine, IVolumeLatentEngine, IDisposable
{
    private readonly Lock _lock = new();
    private OnnxRuntime? _runtime;
    private ModelRegistry? _registry;
    private LatentEngine? _engine;
    private VolumeLatentEngine? _volumes;
    private string? _unavailable;
    private bool _loaded;

    /// <summary>The models; empty when the engine could not be loaded.</summary>
    public IReadOnlyList<LatentModelInfo> Models => Loaded()?.Models ?? [];

    public LatentEncoding Encode(string modelId, PixelFrames pixels, CancellationToken cancellationToken) => Required().Encode(modelId, pixels, cancellationToken);

    public PixelFrames Decode(ReadOnlySpan<byte> container, CancellationToken cancellationToken) => Required().Decode(container, cancellationToken);

    public LatentArray ReadLatent(ReadOnlySpan<byte> container) => Required().ReadLatent(container);

    public bool Knows(string modelId) => Loaded() is not null && _volumes!.Knows(modelId);

    public VolumeLatentEncoding Encode(string modelId, PixelFrames volume, IReadOnlyList<string> sopInstanceUids, CancellationToken cancellationToken) =>
        Volumes().Encode(modelId, volume, sopInstanceUids, cancellationToken);

    public PixelFrames DecodeSlices(ReadOnlySpan<byte> container, IReadOnlyList<string> sopInstanceUids, int first, int count, CancellationToken cancellationToken) =>
        Volumes().DecodeSlices(container, sopInstanceUids, first, count, cancellationToken);

    public (int First, int Count) SlabOf(string modelId, int slices, int slice) => Volumes().SlabOf(modelId, slices, slice);

    public VolumeLatentArray ReadLatent(ReadOnlySpan<byte> container, IReadOnlyList<string> sopInstanceUids) => Volumes().ReadLatent(container, sopInstanceUids);

    /// <summary>Closes the models and ONNX Runtime; a second call (the engine is registered under two services) does nothing.</summary>
    public void Dispose()
    {
        _registry?.Dispose();
        _runtime?.Dispose();
        _registry = null;
        _runtime = null;
    }

    private VolumeLatentEngine Volumes()
    {
        Required();
        return _volumes!;
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
            _volumes = new VolumeLatentEngine(_registry);
        }
        catch (Exception exception) when (exception is OnnxRuntimeException or DllNotFoundException or DirectoryNotFoundException or IOException or InvalidOperationException)
        {
            _unavailable = exception.Message;
            Log.EngineUnavailable(logger, exception.Message);
            Dispose();
        }
    }
}
