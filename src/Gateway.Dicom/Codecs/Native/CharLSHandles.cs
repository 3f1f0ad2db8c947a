using Microsoft.Win32.SafeHandles;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>A charls_jpegls_decoder* from charls_jpegls_decoder_create.</summary>
internal sealed class CharLSDecoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public CharLSDecoderHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        NativeCharLS.DestroyDecoder(handle);
        return true;
    }
}

/// <summary>A charls_jpegls_encoder* from charls_jpegls_encoder_create.</summary>
internal sealed class CharLSEncoderHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public CharLSEncoderHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        NativeCharLS.DestroyEncoder(handle);
        return true;
    }
}
