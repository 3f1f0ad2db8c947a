using System.Runtime.InteropServices;

namespace Gateway.Compression.Onnx;

/// <summary>
/// Finds and loads libonnxruntime.so.1 (1.30.0, from the npm package onnxruntime-node; scripts/install-deps.sh puts it
/// in ~/.cache/medvae-gateway/onnxruntime). The path is chosen at run time, so the library is loaded with
/// <see cref="NativeLibrary"/> rather than a fixed [LibraryImport] name.
/// </summary>
public static class OnnxRuntimeLibrary
{
    /// <summary>The environment variable (setting Gateway:OnnxRuntimePath) that names the library file.</summary>
    public const string PathVariable = "GATEWAY__ONNXRUNTIMEPATH";

    private const string InstallHint = "run scripts/install-deps.sh (it extracts libonnxruntime.so.1 from `npm pack onnxruntime-node@1.30.0`)";

    private static readonly Lock Gate = new();
    private static nint handle;
    private static string? loadedPath;

    /// <summary>Where install-deps.sh puts the library: ~/.cache/medvae-gateway/onnxruntime/libonnxruntime.so.1.</summary>
    public static string DefaultPath { get; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "medvae-gateway", "onnxruntime", "libonnxruntime.so.1");

    /// <summary>The library file to load: <paramref name="configuredPath"/>, else GATEWAY__ONNXRUNTIMEPATH, else <see cref="DefaultPath"/>.</summary>
    public static string ResolvePath(string? configuredPath)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            return configuredPath;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(PathVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? DefaultPath : fromEnvironment;
    }

    /// <summary>Loads the library once per process and returns its handle; a second call with another path is refused.</summary>
    /// <exception cref="OnnxRuntimeException">The file is missing or cannot be loaded; the message says how to install it.</exception>
    internal static nint Load(string? configuredPath)
    {
        var path = Path.GetFullPath(ResolvePath(configuredPath));
        lock (Gate)
        {
            if (!File.Exists(path))
            {
                throw new OnnxRuntimeException(
                    $"ONNX Runtime library not found at {path}: {InstallHint}, or set {PathVariable} (setting Gateway:OnnxRuntimePath) to the path of libonnxruntime.so.1.");
            }

            if (handle != 0)
            {
                return string.Equals(path, loadedPath, StringComparison.Ordinal)
                    ? handle
                    : throw new OnnxRuntimeException($"ONNX Runtime is already loaded from {loadedPath}; cannot load a second copy from {path}.");
            }

            try
            {
                handle = NativeLibrary.Load(path);
            }
            catch (DllNotFoundException exception)
            {
                throw new OnnxRuntimeException($"ONNX Runtime library at {path} could not be loaded ({exception.Message}): {InstallHint}.", exception);
            }

            loadedPath = path;
            return handle;
        }
    }
}
