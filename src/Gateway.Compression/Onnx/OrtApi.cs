using System.Runtime.InteropServices;

namespace Gateway.Compression.Onnx;

/// <summary>
/// The part of ONNX Runtime's OrtApi function table (onnxruntime_c_api.h, struct OrtApi) the gateway calls, read once from
/// <c>OrtGetApiBase()-&gt;GetApi(ORT_API_VERSION)</c>. The table only ever grows at its end, so each entry sits at a fixed
/// index (the number after each name below: its position in struct OrtApi). Every OrtStatus* result goes through
/// <see cref="Check"/>: null is success, anything else becomes an <see cref="OnnxRuntimeException"/> with ORT's message.
/// </summary>
internal sealed unsafe class OrtApi
{
    /// <summary>ORT_API_VERSION of ONNX Runtime 1.30.</summary>
    public const uint ApiVersion = 30;

    public readonly delegate* unmanaged<int, byte*, nint> CreateStatus; // 0 (OrtErrorCode, const char* msg)
    public readonly delegate* unmanaged<nint, int> GetErrorCode; // 1
    public readonly delegate* unmanaged<nint, byte*> GetErrorMessage; // 2
    public readonly delegate* unmanaged<int, byte*, nint*, nint> CreateEnv; // 3 (OrtLoggingLevel, logid, OrtEnv**)
    public readonly delegate* unmanaged<nint, byte*, nint, nint*, nint> CreateSession; // 7 (env, model path, options, OrtSession**)
    public readonly delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint> Run; // 9
    public readonly delegate* unmanaged<nint*, nint> CreateSessionOptions; // 10
    public readonly delegate* unmanaged<nint, int, nint> SetSessionGraphOptimizationLevel; // 23
    public readonly delegate* unmanaged<nint, int, nint> SetIntraOpNumThreads; // 24
    public readonly delegate* unmanaged<nint, int, nint> SetInterOpNumThreads; // 25
    public readonly delegate* unmanaged<nint, nuint*, nint> SessionGetInputCount; // 30
    public readonly delegate* unmanaged<nint, nuint*, nint> SessionGetOutputCount; // 31
    public readonly delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetInputName; // 36 (session, index, allocator, char**)
    public readonly delegate* unmanaged<nint, nuint, nint, byte**, nint> SessionGetOutputName; // 37
    public readonly delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint> CreateTensorWithDataAsOrtValue; // 49
    public readonly delegate* unmanaged<nint, int*, nint> IsTensor; // 50
    public readonly delegate* unmanaged<nint, void**, nint> GetTensorMutableData; // 51
    public readonly delegate* unmanaged<nint, int*, nint> GetTensorElementType; // 60
    public readonly delegate* unmanaged<nint, nuint*, nint> GetDimensionsCount; // 61
    public readonly delegate* unmanaged<nint, long*, nuint, nint> GetDimensions; // 62
    public readonly delegate* unmanaged<nint, nuint*, nint> GetTensorShapeElementCount; // 64
    public readonly delegate* unmanaged<nint, nint*, nint> GetTensorTypeAndShape; // 65
    public readonly delegate* unmanaged<int, int, nint*, nint> CreateCpuMemoryInfo; // 69 (OrtAllocatorType, OrtMemType, OrtMemoryInfo**)
    public readonly delegate* unmanaged<nint, void*, nint> AllocatorFree; // 76
    public readonly delegate* unmanaged<nint*, nint> GetAllocatorWithDefaultOptions; // 78
    public readonly delegate* unmanaged<nint, void> ReleaseEnv; // 92
    public readonly delegate* unmanaged<nint, void> ReleaseStatus; // 93
    public readonly delegate* unmanaged<nint, void> ReleaseMemoryInfo; // 94
    public readonly delegate* unmanaged<nint, void> ReleaseSession; // 95
    public readonly delegate* unmanaged<nint, void> ReleaseValue; // 96
    public readonly delegate* unmanaged<nint, void> ReleaseTensorTypeAndShapeInfo; // 99
    public readonly delegate* unmanaged<nint, void> ReleaseSessionOptions; // 100
    public readonly delegate* unmanaged<nint, byte*, byte*, nint> AddSessionConfigEntry; // 130 (options, key, value)

    /// <summary>OrtSessionOptionsAppendExecutionProvider_CUDA(options, device id): an exported function, not a table entry.</summary>
    public readonly delegate* unmanaged<nint, int, nint> AppendCudaProvider;

    private OrtApi(nint* table, nint appendCuda, string version)
    {
        CreateStatus = (delegate* unmanaged<int, byte*, nint>)table[0];
        GetErrorCode = (delegate* unmanaged<nint, int>)table[1];
        GetErrorMessage = (delegate* unmanaged<nint, byte*>)table[2];
        CreateEnv = (delegate* unmanaged<int, byte*, nint*, nint>)table[3];
        CreateSession = (delegate* unmanaged<nint, byte*, nint, nint*, nint>)table[7];
        Run = (delegate* unmanaged<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)table[9];
        CreateSessionOptions = (delegate* unmanaged<nint*, nint>)table[10];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged<nint, int, nint>)table[23];
        SetIntraOpNumThreads = (delegate* unmanaged<nint, int, nint>)table[24];
        SetInterOpNumThreads = (delegate* unmanaged<nint, int, nint>)table[25];
        SessionGetInputCount = (delegate* unmanaged<nint, nuint*, nint>)table[30];
        SessionGetOutputCount = (delegate* unmanaged<nint, nuint*, nint>)table[31];
        SessionGetInputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)table[36];
        SessionGetOutputName = (delegate* unmanaged<nint, nuint, nint, byte**, nint>)table[37];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged<nint, void*, nuint, long*, nuint, int, nint*, nint>)table[49];
        IsTensor = (delegate* unmanaged<nint, int*, nint>)table[50];
        GetTensorMutableData = (delegate* unmanaged<nint, void**, nint>)table[51];
        GetTensorElementType = (delegate* unmanaged<nint, int*, nint>)table[60];
        GetDimensionsCount = (delegate* unmanaged<nint, nuint*, nint>)table[61];
        GetDimensions = (delegate* unmanaged<nint, long*, nuint, nint>)table[62];
        GetTensorShapeElementCount = (delegate* unmanaged<nint, nuint*, nint>)table[64];
        GetTensorTypeAndShape = (delegate* unmanaged<nint, nint*, nint>)table[65];
        CreateCpuMemoryInfo = (delegate* unmanaged<int, int, nint*, nint>)table[69];
        AllocatorFree = (delegate* unmanaged<nint, void*, nint>)table[76];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged<nint*, nint>)table[78];
        ReleaseEnv = (delegate* unmanaged<nint, void>)table[92];
        ReleaseStatus = (delegate* unmanaged<nint, void>)table[93];
        ReleaseMemoryInfo = (delegate* unmanaged<nint, void>)table[94];
        ReleaseSession = (delegate* unmanaged<nint, void>)table[95];
        ReleaseValue = (delegate* unmanaged<nint, void>)table[96];
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged<nint, void>)table[99];
        ReleaseSessionOptions = (delegate* unmanaged<nint, void>)table[100];
        AddSessionConfigEntry = (delegate* unmanaged<nint, byte*, byte*, nint>)table[130];
        AppendCudaProvider = (delegate* unmanaged<nint, int, nint>)appendCuda;
        Version = version;
    }

    /// <summary>The library's version string (OrtApiBase::GetVersionString), e.g. "1.30.0".</summary>
    public string Version { get; }

    /// <summary>Loads the library (see <see cref="OnnxRuntimeLibrary"/>) and reads its function table for API version 30.</summary>
    public static OrtApi Load(string? libraryPath)
    {
        var library = OnnxRuntimeLibrary.Load(libraryPath);
        var getApiBase = (delegate* unmanaged<nint*>)NativeLibrary.GetExport(library, "OrtGetApiBase");
        var apiBase = getApiBase();
        var getApi = (delegate* unmanaged<uint, nint*>)apiBase[0];
        var getVersion = (delegate* unmanaged<byte*>)apiBase[1];
        var version = Marshal.PtrToStringUTF8((nint)getVersion()) ?? "?";
        var table = getApi(ApiVersion);
        if (table is null)
        {
            throw new OnnxRuntimeException($"ONNX Runtime {version} does not offer API version {ApiVersion}; the gateway needs libonnxruntime.so.1 1.30.0 or newer.");
        }

        NativeLibrary.TryGetExport(library, "OrtSessionOptionsAppendExecutionProvider_CUDA", out var appendCuda);
        return new OrtApi(table, appendCuda, version);
    }

    /// <summary>Throws ORT's message when <paramref name="status"/> is an error (and releases it); does nothing for null.</summary>
    public void Check(nint status)
    {
        if (status == 0)
        {
            return;
        }

        var message = Marshal.PtrToStringUTF8((nint)GetErrorMessage(status)) ?? "unknown error";
        var code = GetErrorCode(status);
        ReleaseStatus(status);
        throw new OnnxRuntimeException($"ONNX Runtime error {code}: {message}");
    }
}
