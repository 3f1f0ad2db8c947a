namespace Gateway.Compression.Onnx;

/// <summary>Where the models run (Gateway:Onnx:ExecutionProvider).</summary>
public enum ExecutionProvider
{
    /// <summary>The CPU (the default build's only provider).</summary>
    Cpu,

    /// <summary>
    /// The CUDA provider, required: a process that cannot have it (not the -p:OnnxRuntimeGpu=true build, no CUDA 13 and
    /// cuDNN 9 runtime, no such device) refuses to start, rather than compressing on the CPU at a fraction of the
    /// throughput its deployment was sized for while its backlog grows.
    /// </summary>
    Cuda,

    /// <summary>The CUDA provider when it can be had, else one warning and the CPU (a node that may or may not have a GPU).</summary>
    CudaOrCpu,
}
