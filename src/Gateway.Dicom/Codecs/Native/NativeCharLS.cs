using System.Runtime.InteropServices;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>charls_frame_info.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct CharLSFrameInfo
{
    public uint Width;
    public uint Height;
    public int BitsPerSample;
    public int ComponentCount;
}

/// <summary>P/Invoke declarations for the C API of CharLS 2.x (Debian libcharls2, libcharls.so.2).</summary>
internal static unsafe partial class NativeCharLS
{
    public const int InterleaveNone = 0;
    public const int InterleaveSample = 2;

    static NativeCharLS() => NativeLibraries.EnsureResolver();

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_get_error_message")]
    public static partial byte* GetErrorMessage(int error);

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_jpegls_decoder_create")]
    public static partial CharLSDecoderHandle CreateDecoder();

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_jpegls_decoder_destroy")]
    public static partial void DestroyDecoder(IntPtr decoder);

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_jpegls_decoder_set_source_buffer")]
    public static partial int SetSourceBuffer(CharLSDecoderHandle decoder, void* source, nuint size);

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_jpegls_decoder_read_header")]
    public static partial int ReadHeader(CharLSDecoderHandle decoder);

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_jpegls_decoder_get_frame_info")]
    public static partial int GetFrameInfo(CharLSDecoderHandle decoder, CharLSFrameInfo* frameInfo);

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_jpegls_decoder_get_interleave_mode")]
    public static partial int GetInterleaveMode(CharLSDecoderHandle decoder, int* interleaveMode);

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_jpegls_decoder_get_color_transformation")]
    public static partial int GetColorTransformation(CharLSDecoderHandle decoder, int* colorTransformation);

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_jpegls_decoder_get_destination_size")]
    public static partial int GetDestinationSize(CharLSDecoderHandle decoder, uint stride, nuint* size);

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_jpegls_decoder_decode_to_buffer")]
    public static partial int DecodeToBuffer(CharLSDecoderHandle decoder, void* destination, nuint size, uint stride);

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_jpegls_encoder_create")]
    public static partial CharLSEncoderHandle CreateEncoder();

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_jpegls_encoder_destroy")]
    public static partial void DestroyEncoder(IntPtr encoder);

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_jpegls_encoder_set_frame_info")]
    public static partial int SetFrameInfo(CharLSEncoderHandle encoder, CharLSFrameInfo* frameInfo);

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_jpegls_encoder_set_near_lossless")]
    public static partial int SetNearLossless(CharLSEncoderHandle encoder, int nearLossless);

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_jpegls_encoder_set_interleave_mode")]
    public static partial int SetInterleaveMode(CharLSEncoderHandle encoder, int interleaveMode);

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_jpegls_encoder_get_estimated_destination_size")]
    public static partial int GetEstimatedDestinationSize(CharLSEncoderHandle encoder, nuint* size);

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_jpegls_encoder_set_destination_buffer")]
    public static partial int SetDestinationBuffer(CharLSEncoderHandle encoder, void* destination, nuint size);

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_jpegls_encoder_encode_from_buffer")]
    public static partial int EncodeFromBuffer(CharLSEncoderHandle encoder, void* source, nuint size, uint stride);

    [LibraryImport(NativeLibraries.CharLS, EntryPoint = "charls_jpegls_encoder_get_bytes_written")]
    public static partial int GetBytesWritten(CharLSEncoderHandle encoder, nuint* bytesWritten);

    /// <summary>Throws a <see cref="DicomCodecException"/> with CharLS's message when <paramref name="error"/> is not 0 (success).</summary>
    public static void Check(int error, string operation)
    {
        if (error != 0)
        {
            var message = Marshal.PtrToStringUTF8((IntPtr)GetErrorMessage(error)) ?? "unknown error";
            throw new DicomCodecException($"CharLS: {operation} failed: {message} (error {error})");
        }
    }
}
