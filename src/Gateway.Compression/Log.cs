using Microsoft.Extensions.Logging;

namespace Gateway.Compression;

/// <summary>The log messages of Gateway.Compression (event ids 6000-6999).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "ONNX Runtime {Version} loaded; intra-op threads {IntraOp}, inter-op threads {InterOp}")]
    public static partial void OnnxRuntimeLoaded(ILogger logger, string version, int intraOp, int interOp);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "CUDA execution provider not available ({Reason}); the models run on the CPU")]
    public static partial void CudaUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 7953, Level = LogLevel.Information, Message = "CUDA execution provider on device {DeviceId}: the models run on the GPU")]
    public static partial void CudaEnabled(ILogger logger, int deviceId);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Model {Model} loaded (f={Factor}, C={Channels}, sha256 {Sha256})")]
    public static partial void ModelLoaded(ILogger logger, string model, int factor, int channels, string sha256);

    [LoggerMessage(EventId = 7800, Level = LogLevel.Information, Message = "Volume model {Model} loaded (3D, f={Factor}, {Scale}x per axis, C={Channels}, sha256 {Sha256})")]
    public static partial void VolumeModelLoaded(ILogger logger, string model, int factor, int scale, int channels, string sha256);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Error, Message = "Model {Model} refused: {Reason}")]
    public static partial void ModelRefused(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 2703, Level = LogLevel.Warning, Message = "The latent engine is not available ({Reason}): latent rules store instances lossless")]
    public static partial void EngineUnavailable(ILogger logger, string reason);
}
