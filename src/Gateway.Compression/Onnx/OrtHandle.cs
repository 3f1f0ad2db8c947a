using System.Runtime.InteropServices;

namespace Gateway.Compression.Onnx;

/// <summary>An ONNX Runtime object (OrtEnv, OrtSession, OrtMemoryInfo, ...) released by its OrtApi Release* function.</summary>
internal sealed unsafe class OrtHandle : SafeHandle
{
    private readonly delegate* unmanaged<nint, void> release;

    public OrtHandle(nint value, delegate* unmanaged<nint, void> release)
        : base(0, ownsHandle: true)
    {
        this.release = release;
        SetHandle(value);
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        release(handle);
        return true;
    }
}
