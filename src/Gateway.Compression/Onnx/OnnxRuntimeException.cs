namespace Gateway.Compression.Onnx;

/// <summary>An error reported by ONNX Runtime (its message kept as it is, its exception inside), or its native library could not be loaded.</summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException()
    {
    }

    public OnnxRuntimeException(string message)
        : base(message)
    {
    }

    public OnnxRuntimeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
