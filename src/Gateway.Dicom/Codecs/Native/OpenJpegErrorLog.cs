using System.Runtime.InteropServices;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>
/// Collects the error messages OpenJPEG reports for one codec (opj_set_error_handler) so that a failed call
/// can be turned into an exception that says why. Dispose after the codec is no longer used.
/// </summary>
internal sealed unsafe class OpenJpegErrorLog : IDisposable
{
    private readonly List<string> _messages = [];
    private GCHandle _self;

    public OpenJpegErrorLog(OpenJpegCodecHandle codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        _self = GCHandle.Alloc(this);
        _ = NativeOpenJpeg.SetErrorHandler(codec, &OnError, (void*)GCHandle.ToIntPtr(_self));
    }

    /// <summary>Throws a <see cref="DicomCodecException"/> saying what failed and what OpenJPEG reported, when <paramref name="result"/> is OPJ_FALSE.</summary>
    public void Check(int result, string operation)
    {
        if (result == 0)
        {
            throw new DicomCodecException(Describe(operation));
        }
    }

    public string Describe(string operation)
    {
        lock (_messages)
        {
            return _messages.Count == 0
                ? $"OpenJPEG: {operation} failed"
                : $"OpenJPEG: {operation} failed: {string.Join("; ", _messages)}";
        }
    }

    public void Dispose()
    {
        if (_self.IsAllocated)
        {
            _self.Free();
        }
    }

    [UnmanagedCallersOnly]
    private static void OnError(byte* message, void* clientData)
    {
        // Called from native code (possibly from OpenJPEG's worker threads): it must not throw.
        if (clientData is null || GCHandle.FromIntPtr((IntPtr)clientData).Target is not OpenJpegErrorLog log)
        {
            return;
        }

        var text = Marshal.PtrToStringUTF8((IntPtr)message)?.Trim() ?? string.Empty;
        lock (log._messages)
        {
            log._messages.Add(text);
        }
    }
}
