using System.Runtime.InteropServices;

namespace Gateway.Bench;

/// <summary>
/// bench/native/decode_bench.c built as a shared library: its per-frame functions decode a codestream with the
/// plain OpenJPEG or CharLS calls (and, for OpenJPEG, pack the result into a native frame), in this process.
/// </summary>
internal sealed unsafe class NativeHarness : IDisposable
{
    private readonly IntPtr _library;
    private readonly delegate* unmanaged<byte*, nuint, int, double*, nuint*, int> _decode;

    public NativeHarness(string path, CodecFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        var export = family == CodecFamily.Jpeg2000 ? "decode_bench_j2k_once"
            : family == CodecFamily.JpegLS ? "decode_bench_jls_once"
            : throw new ArgumentException($"--paired-with applies to j2k and jpegls, not {family.Name}.");
        _library = NativeLibrary.Load(Path.GetFullPath(path));
        _decode = (delegate* unmanaged<byte*, nuint, int, double*, nuint*, int>)NativeLibrary.GetExport(_library, export);
    }

    /// <summary>Decodes <paramref name="codestream"/> once; returns the native frame's length.</summary>
    public long Decode(ReadOnlySpan<byte> codestream, int threads)
    {
        double decodeMilliseconds;
        nuint decoded;
        fixed (byte* data = codestream)
        {
            if (_decode(data, (nuint)codestream.Length, threads, &decodeMilliseconds, &decoded) != 0)
            {
                throw new InvalidOperationException("The native harness failed to decode the frame (its message is on standard error).");
            }
        }

        return (long)decoded;
    }

    public void Dispose() => NativeLibrary.Free(_library);
}
