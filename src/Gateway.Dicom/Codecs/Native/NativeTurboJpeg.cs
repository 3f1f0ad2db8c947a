using System.Runtime.InteropServices;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>P/Invoke declarations for the TurboJPEG API of libjpeg-turbo 2.1 (Debian libturbojpeg0, libturbojpeg.so.0).</summary>
internal static unsafe partial class NativeTurboJpeg
{
    public const int Subsampling422 = 1;
    public const int SubsamplingGray = 3;

    public const int PixelFormatRgb = 0;
    public const int PixelFormatGray = 6;

    public const int ColorSpaceRgb = 0;
    public const int ColorSpaceYCbCr = 1;
    public const int ColorSpaceGray = 2;

    public const int FlagNoRealloc = 1024;
    public const int FlagAccurateDct = 4096;

    public const int ErrorWarning = 0;

    static NativeTurboJpeg() => NativeLibraries.EnsureResolver();

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjInitDecompress")]
    public static partial TurboJpegHandle InitDecompress();

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjInitCompress")]
    public static partial TurboJpegHandle InitCompress();

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjDestroy")]
    public static partial int Destroy(IntPtr handle);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjGetErrorStr2")]
    public static partial byte* GetErrorString(TurboJpegHandle handle);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjGetErrorCode")]
    public static partial int GetErrorCode(TurboJpegHandle handle);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjDecompressHeader3")]
    public static partial int DecompressHeader(
        TurboJpegHandle handle, byte* jpeg, CULong jpegSize, int* width, int* height, int* subsampling, int* colorSpace);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjDecompress2")]
    public static partial int Decompress(
        TurboJpegHandle handle, byte* jpeg, CULong jpegSize, byte* destination, int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjBufSize")]
    public static partial CULong BufferSize(int width, int height, int subsampling);

    [LibraryImport(NativeLibraries.TurboJpeg, EntryPoint = "tjCompress2")]
    public static partial int Compress(
        TurboJpegHandle handle, byte* source, int width, int pitch, int height, int pixelFormat,
        byte** jpeg, CULong* jpegSize, int subsampling, int quality, int flags);

    /// <summary>A <see cref="DicomCodecException"/> carrying TurboJPEG's message for the handle's last error.</summary>
    public static DicomCodecException Error(TurboJpegHandle handle, string operation) =>
        new($"libjpeg-turbo: {operation} failed: {Marshal.PtrToStringUTF8((IntPtr)GetErrorString(handle)) ?? "unknown error"}");
}
