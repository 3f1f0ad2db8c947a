using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Compression.Onnx;

/// <summary>
/// The loaded ONNX Runtime: its function table, one OrtEnv and the CPU memory description input tensors use. Create
/// sessions with <see cref="CreateSession"/>; dispose the sessions before this.
/// </summary>
public sealed unsafe class OnnxRuntime : IDisposable
{
    private const int LoggingLevelWarning = 2;
    private const int GraphOptimizationAll = 99;
    private const int ArenaAllocator = 1;
    private const int MemTypeDefault = 0;

    private readonly OrtHandle env;
    private readonly OrtHandle cpuMemory;
    private readonly ILogger logger;

    private OnnxRuntime(OrtApi api, OrtHandle env, OrtHandle cpuMemory, OnnxRuntimeOptions options, ILogger logger)
    {
        Api = api;
        this.env = env;
        this.cpuMemory = cpuMemory;
        this.logger = logger;
        Options = options;
    }

    /// <summary>The library's version, e.g. "1.30.0".</summary>
    public string Version => Api.Version;

    public OnnxRuntimeOptions Options { get; }

    internal OrtApi Api { get; }

    internal nint CpuMemory => cpuMemory.DangerousGetHandle();

    /// <summary>Loads the library and creates the environment.</summary>
    /// <exception cref="OnnxRuntimeException">The library is missing (the message names the install command) or ORT failed.</exception>
    public static OnnxRuntime Create(OnnxRuntimeOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        var api = OrtApi.Load(options.LibraryPath);
        nint envValue;
        fixed (byte* logId = "medvae-gateway\0"u8)
        {
            api.Check(api.CreateEnv(LoggingLevelWarning, logId, &envValue));
        }

        var env = new OrtHandle(envValue, api.ReleaseEnv);
        nint memoryValue;
        var status = api.CreateCpuMemoryInfo(ArenaAllocator, MemTypeDefault, &memoryValue);
        if (status != 0)
        {
            env.Dispose();
            api.Check(status);
        }

        Log.OnnxRuntimeLoaded(logger, api.Version, options.IntraOpThreads, options.InterOpThreads);
        return new OnnxRuntime(api, env, new OrtHandle(memoryValue, api.ReleaseMemoryInfo), options, logger);
    }

    /// <summary>A session for the model file at <paramref name="modelPath"/>, with this runtime's thread and provider settings.</summary>
    public OnnxSession CreateSession(string modelPath)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        nint optionsValue;
        Api.Check(Api.CreateSessionOptions(&optionsValue));
        using var sessionOptions = new OrtHandle(optionsValue, Api.ReleaseSessionOptions);
        Api.Check(Api.SetIntraOpNumThreads(optionsValue, Options.IntraOpThreads));
        Api.Check(Api.SetInterOpNumThreads(optionsValue, Options.InterOpThreads));
        Api.Check(Api.SetSessionGraphOptimizationLevel(optionsValue, GraphOptimizationAll));

        // The compress job alternates encoder and decoder runs (and codec work between them): intra-op threads that
        // spin after each run only steal the CPU the next step needs (alternating encode/decode ran 40-50% slower).
        fixed (byte* key = "session.intra_op.allow_spinning\0"u8)
        fixed (byte* value = Options.AllowSpinning ? "1\0"u8 : "0\0"u8)
        {
            Api.Check(Api.AddSessionConfigEntry(optionsValue, key, value));
        }

        if (Options.UseCuda)
        {
            AppendCuda(optionsValue, Path.GetFileName(Path.GetDirectoryName(modelPath)) + "/" + Path.GetFileName(modelPath));
        }

        var path = Encoding.UTF8.GetBytes(modelPath + "\0");
        nint sessionValue;
        fixed (byte* pathBytes = path)
        {
            Api.Check(Api.CreateSession(env.DangerousGetHandle(), pathBytes, optionsValue, &sessionValue));
        }

        return new OnnxSession(this, new OrtHandle(sessionValue, Api.ReleaseSession));
    }

    public void Dispose()
    {
        cpuMemory.Dispose();
        env.Dispose();
    }

    private void AppendCuda(nint sessionOptions, string model)
    {
        if (Api.AppendCudaProvider is null)
        {
            Log.CudaUnavailable(logger, model, "this libonnxruntime exports no OrtSessionOptionsAppendExecutionProvider_CUDA");
            return;
        }

        try
        {
            Api.Check(Api.AppendCudaProvider(sessionOptions, Options.CudaDeviceId));
        }
        catch (OnnxRuntimeException exception)
        {
            Log.CudaUnavailable(logger, model, exception.Message.ReplaceLineEndings(" "));
        }
    }

    internal string ReadAndFree(nint allocator, byte* text)
    {
        var value = Marshal.PtrToStringUTF8((nint)text) ?? string.Empty;
        Api.Check(Api.AllocatorFree(allocator, text));
        return value;
    }
}
