using Microsoft.Win32.SafeHandles;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>An opj_codec_t* from opj_create_decompress or opj_create_compress.</summary>
internal sealed class OpenJpegCodecHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public OpenJpegCodecHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        NativeOpenJpeg.DestroyCodec(handle);
        return true;
    }
}

/// <summary>An opj_stream_t* from opj_stream_create.</summary>
internal sealed class OpenJpegStreamHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public OpenJpegStreamHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        NativeOpenJpeg.DestroyStream(handle);
        return true;
    }
}

/// <summary>An opj_image_t* from opj_read_header or opj_image_create.</summary>
internal sealed class OpenJpegImageHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public OpenJpegImageHandle()
        : base(ownsHandle: true)
    {
    }

    public unsafe OpjImage* Image => (OpjImage*)handle;

    protected override bool ReleaseHandle()
    {
        NativeOpenJpeg.DestroyImage(handle);
        return true;
    }
}
