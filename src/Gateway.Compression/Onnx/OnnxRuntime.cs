using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using OrtException = Microsoft.ML.OnnxRuntime.OnnxRuntimeException;

namespace Gateway.Compression.Onnx;

/// <summary>
/// ONNX Runtime (NuGet Microsoft.ML.OnnxRuntime.Managed with its native package) and the session options every model
/// of this process gets: thread counts, full graph optimisation, spinning, and the CUDA provider when asked for and
/// present. Create sessions with <see cref="CreateSession"/>; dispose the sessions before this.
/// </summary>
public sealed class OnnxRuntime : IDisposable
{
    private const string AllowSpinningKey = "session.intra_op.allow_spinning";

    private readonly SessionOptions sessionOptions;

    private OnnxRuntime(string version, SessionOptions sessionOptions, OnnxRuntimeOptions options)
    {
        Version = version;
        this.sessionOptions = sessionOptions;
        Options = options;
    }

    /// <summary>The native library's version, e.g. "1.32.0".</summary>
    public string Version { get; }

    public OnnxRuntimeOptions Options { get; }

    /// <summary>Loads the native library and prepares the session options with the execution provider asked for.</summary>
    /// <exception cref="OnnxRuntimeException">The native library is missing or ONNX Runtime refused the settings.</exception>
    /// <exception cref="CudaUnavailableException">CUDA is required (<see cref="ExecutionProvider.Cuda"/>) and cannot be had.</exception>
    public static OnnxRuntime Create(OnnxRuntimeOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        var version = LoadNativeLibrary();
        var sessionOptions = new SessionOptions();
        try
        {
            sessionOptions.IntraOpNumThreads = options.IntraOpThreads;
            sessionOptions.InterOpNumThreads = options.InterOpThreads;
            sessionOptions.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL;

            // The compress job alternates encoder and decoder runs (and codec work between them): intra-op threads that
            // spin after each run only steal the CPU the next step needs (alternating encode/decode ran 40-50% slower).
            sessionOptions.AddSessionConfigEntry(AllowSpinningKey, options.AllowSpinning ? "1" : "0");
            if (options.ExecutionProvider != ExecutionProvider.Cpu)
            {
                AppendCuda(sessionOptions, options, logger);
            }
        }
        catch (CudaUnavailableException)
        {
            sessionOptions.Dispose();
            throw;
        }
        catch (OrtException exception)
        {
            sessionOptions.Dispose();
            throw new OnnxRuntimeException(exception.Message, exception);
        }

        Log.OnnxRuntimeLoaded(logger, version, options.IntraOpThreads, options.InterOpThreads);
        return new OnnxRuntime(version, sessionOptions, options);
    }

    /// <summary>A session for the model file at <paramref name="modelPath"/>, with this runtime's settings.</summary>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime cannot load the model (its message kept).</exception>
    public OnnxSession CreateSession(string modelPath)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        InferenceSession session;
        try
        {
            session = new InferenceSession(modelPath, sessionOptions);
        }
        catch (OrtException exception)
        {
            throw new OnnxRuntimeException(exception.Message, exception);
        }

        return new OnnxSession(session);
    }

    public void Dispose() => sessionOptions.Dispose();

    /// <summary>The first call into the managed API loads libonnxruntime.so (from the output folder, where the native package put it).</summary>
    private static string LoadNativeLibrary()
    {
        try
        {
            return OrtEnv.Instance().GetVersionString();
        }
        catch (Exception exception) when (exception is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            throw new OnnxRuntimeException(
                $"ONNX Runtime's native library could not be loaded ({(exception.InnerException ?? exception).Message}): it comes with the NuGet package "
                + "Microsoft.ML.OnnxRuntime (or Microsoft.ML.OnnxRuntime.Gpu.Linux with -p:OnnxRuntimeGpu=true) into the gateway's folder; rebuild or republish it.",
                exception);
        }
    }

    /// <summary>
    /// Adds the CUDA provider. Without a usable CUDA (the CPU package has none; the GPU package without a CUDA 13 and
    /// cuDNN 9 runtime cannot load libcublasLt) ONNX Runtime throws: for Cuda that ends the start, for CudaOrCpu one log
    /// line and every session runs on the CPU.
    /// </summary>
    private static void AppendCuda(SessionOptions sessionOptions, OnnxRuntimeOptions options, ILogger logger)
    {
        try
        {
            sessionOptions.AppendExecutionProvider_CUDA(options.CudaDeviceId);
            Log.CudaEnabled(logger, options.CudaDeviceId);
        }
        catch (Exception exception) when (exception is OrtException or EntryPointNotFoundException)
        {
            var reason = exception.Message.ReplaceLineEndings(" ");
            if (options.ExecutionProvider == ExecutionProvider.Cuda)
            {
                throw new CudaUnavailableException(
                    $"Gateway:Onnx:ExecutionProvider is Cuda but ONNX Runtime cannot use CUDA device {options.CudaDeviceId}: {reason}. "
                    + "A GPU worker needs the build with -p:OnnxRuntimeGpu=true, a CUDA 13 and cuDNN 9 runtime and the device; "
                    + "or set ExecutionProvider to Cpu (or CudaOrCpu to fall back to the CPU).",
                    exception);
            }

            Log.CudaUnavailable(logger, reason);
        }
    }
}
