using Gateway.Dicom.Codecs.Native;

namespace Gateway.Dicom.Tests.Codecs.Native;

public sealed class NativeLibraryLoaderTests
{
    [Fact]
    public void MissingLibrary_ThrowsDllNotFoundNamingTheLibraryAndTheDebianPackage()
    {
        var loader = new NativeLibraryLoader("Example codec (libgateway-absent.so.9)", "libgateway-absent9", "libgateway-absent.so.9");

        var error = Assert.Throws<DllNotFoundException>(() => loader.Handle);

        Assert.Contains("libgateway-absent.so.9", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install libgateway-absent9", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openjp2")]
    [InlineData("charls")]
    [InlineData("turbojpeg")]
    public void DebianLibraries_LoadByTheirSoname(string library)
    {
        var loader = library switch
        {
            "openjp2" => NativeLibraries.OpenJpegLibrary,
            "charls" => NativeLibraries.CharLSLibrary,
            _ => NativeLibraries.TurboJpegLibrary,
        };

        Assert.NotEqual(IntPtr.Zero, loader.Handle);
    }
}
