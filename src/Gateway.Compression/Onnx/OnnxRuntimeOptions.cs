namespace Gateway.Compression.Onnx;

/// <summary>How ONNX Runtime's sessions run (settings under Gateway:Onnx).</summary>
public sealed class OnnxRuntimeOptions
{
    /// <summary>Threads one operator may use (ORT's intra-op pool); 0 lets ONNX Runtime choose (one per core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads for running independent operators at once; the models are chains, so 1.</summary>
    public int InterOpThreads { get; set; } = 1;

    /// <summary>
    /// Let intra-op threads spin while waiting for work (ORT's session.intra_op.allow_spinning). Off by default: the
    /// compress job alternates encoder and decoder runs with codec work between them, and spinning threads only
    /// take the cores that work needs (measured: 40-50% slower with spinning on).
    /// </summary>
    public bool AllowSpinning { get; set; }

    /// <summary>
    /// Cpu, or the CUDA execution provider (a build with -p:OnnxRuntimeGpu=true and a CUDA 13 + cuDNN 9 runtime):
    /// Cuda requires it (start fails without it), CudaOrCpu falls back to the CPU with one warning.
    /// </summary>
    public ExecutionProvider ExecutionProvider { get; set; }

    /// <summary>The GPU the CUDA provider uses.</summary>
    public int CudaDeviceId { get; set; }
}
