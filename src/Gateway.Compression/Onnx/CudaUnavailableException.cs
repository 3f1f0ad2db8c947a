namespace Gateway.Compression.Onnx;

/// <summary>
/// <see cref="ExecutionProvider.Cuda"/> was asked for and ONNX Runtime cannot give it; the message names why and what to
/// change. Not caught by the latent engine's load: it ends the start of the gateway.
/// </summary>
public sealed class CudaUnavailableException : Exception
{
    public CudaUnavailableException()
    {
    }

    public CudaUnavailableException(string message)
        : base(message)
    {
    }

    public CudaUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
