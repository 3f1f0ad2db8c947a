using System.Reflection;
using System.Runtime.InteropServices;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>
/// The one <see cref="DllImportResolver"/> of this assembly: maps the logical library names used in
/// <c>[LibraryImport]</c> to the versioned Debian SONAMEs (a plain "libopenjp2.so" exists only with the -dev
/// package) and turns a missing library into an exception that names the apt package to install.
/// Each Native* class calls <see cref="EnsureResolver"/> from its static constructor.
/// </summary>
internal static class NativeLibraries
{
    public const string OpenJpeg = "gateway-openjp2";
    public const string CharLS = "gateway-charls";
    public const string TurboJpeg = "gateway-turbojpeg";

    public static readonly NativeLibraryLoader OpenJpegLibrary = new(
        "OpenJPEG 2.5 (libopenjp2.so.7)", "libopenjp2-7", "libopenjp2.so.7", "libopenjp2.7.dylib", "openjp2");

    public static readonly NativeLibraryLoader CharLSLibrary = new(
        "CharLS 2.x (libcharls.so.2)", "libcharls2", "libcharls.so.2", "libcharls.2.dylib", "charls");

    public static readonly NativeLibraryLoader TurboJpegLibrary = new(
        "libjpeg-turbo's TurboJPEG (libturbojpeg.so.0)", "libturbojpeg0", "libturbojpeg.so.0", "libturbojpeg.0.dylib", "turbojpeg");

    private static readonly Lazy<bool> Registration = new(Register, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Registers the resolver for this assembly (once; later calls do nothing).</summary>
    public static void EnsureResolver() => _ = Registration.Value;

    private static bool Register()
    {
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
        return true;
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) => libraryName switch
    {
        OpenJpeg => OpenJpegLibrary.Handle,
        CharLS => CharLSLibrary.Handle,
        TurboJpeg => TurboJpegLibrary.Handle,
        _ => IntPtr.Zero,
    };
}
