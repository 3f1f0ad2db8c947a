using System.Runtime.InteropServices;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>P/Invoke declarations for OpenJPEG 2.5 (Debian libopenjp2-7, libopenjp2.so.7).</summary>
internal static unsafe partial class NativeOpenJpeg
{
    public const int CodecJ2K = 0;
    public const int CodecJP2 = 2;

    public const int ColorSpaceSrgb = 1;
    public const int ColorSpaceGray = 2;

    /// <summary>OPJ_J2K_STREAM_CHUNK_SIZE, the library's default stream buffer.</summary>
    public const int StreamChunkSize = 0x100000;

    static NativeOpenJpeg() => NativeLibraries.EnsureResolver();

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_create_decompress")]
    public static partial OpenJpegCodecHandle CreateDecompress(int format);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_create_compress")]
    public static partial OpenJpegCodecHandle CreateCompress(int format);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_destroy_codec")]
    public static partial void DestroyCodec(IntPtr codec);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_set_error_handler")]
    public static partial int SetErrorHandler(OpenJpegCodecHandle codec, delegate* unmanaged<byte*, void*, void> handler, void* clientData);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_set_default_decoder_parameters")]
    public static partial void SetDefaultDecoderParameters(OpjDecoderParameters* parameters);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_setup_decoder")]
    public static partial int SetupDecoder(OpenJpegCodecHandle codec, OpjDecoderParameters* parameters);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_set_default_encoder_parameters")]
    public static partial void SetDefaultEncoderParameters(OpjEncoderParameters* parameters);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_setup_encoder")]
    public static partial int SetupEncoder(OpenJpegCodecHandle codec, OpjEncoderParameters* parameters, OpenJpegImageHandle image);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_has_thread_support")]
    public static partial int HasThreadSupport();

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_codec_set_threads")]
    public static partial int SetThreads(OpenJpegCodecHandle codec, int threads);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_read_header")]
    public static partial int ReadHeader(OpenJpegStreamHandle stream, OpenJpegCodecHandle codec, out OpenJpegImageHandle image);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_decode")]
    public static partial int Decode(OpenJpegCodecHandle codec, OpenJpegStreamHandle stream, OpenJpegImageHandle image);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_end_decompress")]
    public static partial int EndDecompress(OpenJpegCodecHandle codec, OpenJpegStreamHandle stream);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_start_compress")]
    public static partial int StartCompress(OpenJpegCodecHandle codec, OpenJpegImageHandle image, OpenJpegStreamHandle stream);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_encode")]
    public static partial int Encode(OpenJpegCodecHandle codec, OpenJpegStreamHandle stream);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_end_compress")]
    public static partial int EndCompress(OpenJpegCodecHandle codec, OpenJpegStreamHandle stream);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_image_create")]
    public static partial OpenJpegImageHandle CreateImage(uint componentCount, OpjImageComponentParameters* parameters, int colorSpace);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_image_destroy")]
    public static partial void DestroyImage(IntPtr image);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_stream_create")]
    public static partial OpenJpegStreamHandle CreateStream(nuint bufferSize, int isInput);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_stream_destroy")]
    public static partial void DestroyStream(IntPtr stream);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_stream_set_read_function")]
    public static partial void SetReadFunction(OpenJpegStreamHandle stream, delegate* unmanaged<void*, nuint, void*, nuint> read);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_stream_set_write_function")]
    public static partial void SetWriteFunction(OpenJpegStreamHandle stream, delegate* unmanaged<void*, nuint, void*, nuint> write);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_stream_set_skip_function")]
    public static partial void SetSkipFunction(OpenJpegStreamHandle stream, delegate* unmanaged<long, void*, long> skip);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_stream_set_seek_function")]
    public static partial void SetSeekFunction(OpenJpegStreamHandle stream, delegate* unmanaged<long, void*, int> seek);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_stream_set_user_data")]
    public static partial void SetUserData(OpenJpegStreamHandle stream, void* userData, IntPtr freeFunction);

    [LibraryImport(NativeLibraries.OpenJpeg, EntryPoint = "opj_stream_set_user_data_length")]
    public static partial void SetUserDataLength(OpenJpegStreamHandle stream, ulong length);
}
