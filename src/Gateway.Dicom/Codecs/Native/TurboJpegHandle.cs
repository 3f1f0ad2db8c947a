using Microsoft.Win32.SafeHandles;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>A tjhandle from tjInitDecompress or tjInitCompress.</summary>
internal sealed class TurboJpegHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public TurboJpegHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => NativeTurboJpeg.Destroy(handle) == 0;
}
