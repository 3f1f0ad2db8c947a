using Gateway.Compression.Engine;
using Gateway.Compression.Models;
using Gateway.Compression.Onnx;
using Gateway.Core.Compression;

namespace Gateway.Server.Compression;

/// <summary>
/// The latent engine of this process, loaded on first use: ONNX Runtime (settings Gateway:Onnx, library path
/// Gateway:OnnxRuntimePath) and the models of Gateway:Models (checked by sha256). When ONNX Runtime or the model
/// folder cannot be loaded, one log line and no engine: latent rules then store lossless.
/// </summary>
public sealed partial class LatentEngineProvider(IConfiguration configuration, ILogger<LatentEngineProvider> logger) : IDisposable
{
    private readonly Lock _lock = new();
    private OnnxRuntime? _runtime;
    private ModelRegistry? _registry;
    private ILatentEngine? _engine;
    private bool _loaded;

    /// <summary>The engine; null when it could not be loaded.</summary>
    public ILatentEngine? Engine
    {
        get
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
    }

    public void Dispose()
    {
        _registry?.Dispose();
        _runtime?.Dispose();
    }

    private void Load()
    {
        var runtimeOptions = configuration.GetSection("Gateway:Onnx").Get<OnnxRuntimeOptions>() ?? new OnnxRuntimeOptions();
        runtimeOptions.LibraryPath ??= configuration["Gateway:OnnxRuntimePath"];
        var modelOptions = configuration.GetSection(ModelRegistryOptions.SectionName).Get<ModelRegistryOptions>() ?? new ModelRegistryOptions();
        try
        {
            _runtime = OnnxRuntime.Create(runtimeOptions, logger);
            _registry = ModelRegistry.Load(modelOptions, _runtime, logger, CancellationToken.None);
            _engine = new LatentEngine(_registry.Models);
        }
        catch (Exception exception) when (exception is OnnxRuntimeException or DllNotFoundException or DirectoryNotFoundException or IOException or InvalidOperationException)
        {
            Log.Unavailable(logger, exception.Message);
            Dispose();
            _registry = null;
            _runtime = null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2703, Level = LogLevel.Warning, Message = "The latent engine is not available ({Reason}): latent rules store instances lossless")]
        public static partial void Unavailable(ILogger logger, string reason);
    }
}
