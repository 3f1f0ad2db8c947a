using System.Runtime.InteropServices;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>
/// Loads one native library by trying its file names in order (the Debian SONAME first) and, when none loads,
/// throws a <see cref="DllNotFoundException"/> that names the library and the Debian package providing it.
/// The library is loaded once, on first use, and stays loaded for the life of the process.
/// </summary>
internal sealed class NativeLibraryLoader
{
    private readonly Lazy<IntPtr> _handle;

    public NativeLibraryLoader(string description, string debianPackage, params string[] fileNames)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(debianPackage);
        ArgumentNullException.ThrowIfNull(fileNames);
        Description = description;
        DebianPackage = debianPackage;
        FileNames = fileNames;
        _handle = new Lazy<IntPtr>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Description { get; }

    public string DebianPackage { get; }

    public IReadOnlyList<string> FileNames { get; }

    /// <summary>The handle of the loaded library.</summary>
    /// <exception cref="DllNotFoundException">None of <see cref="FileNames"/> could be loaded.</exception>
    public IntPtr Handle => _handle.Value;

    private IntPtr Load()
    {
        foreach (var name in FileNames)
        {
            if (NativeLibrary.TryLoad(name, out var handle))
            {
                return handle;
            }
        }

        throw new DllNotFoundException(
            $"{Description} could not be loaded (tried {string.Join(", ", FileNames)}). " +
            $"Install the Debian package '{DebianPackage}' (apt-get install {DebianPackage}).");
    }
}
