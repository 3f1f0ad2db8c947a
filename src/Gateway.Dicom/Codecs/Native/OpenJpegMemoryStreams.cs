using System.Runtime.InteropServices;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>The position of an OpenJPEG input stream over a pinned buffer; lives on the caller's stack.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct OpenJpegReadState
{
    public byte* Data;
    public long Length;
    public long Position;
}

/// <summary>The growing native buffer behind an OpenJPEG output stream; the owner calls <see cref="Free"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct OpenJpegWriteState
{
    public byte* Data;
    public long Capacity;
    public long Length;
    public long Position;

    public readonly byte[] ToArray() => new ReadOnlySpan<byte>(Data, checked((int)Length)).ToArray();

    public void Free()
    {
        NativeMemory.Free(Data);
        Data = null;
        Capacity = Length = Position = 0;
    }
}

/// <summary>
/// OpenJPEG streams over memory (opj_stream_create with read/write/skip/seek callbacks): no temporary files.
/// The state structs are passed as the stream's user data and must stay at a fixed address (a local of the
/// calling method) until the stream is destroyed.
/// </summary>
internal static unsafe class OpenJpegMemoryStreams
{
    public static OpenJpegStreamHandle CreateReader(OpenJpegReadState* state)
    {
        // The library copies through its own buffer; a small codestream does not need the default 1 MiB one.
        var bufferSize = (nuint)Math.Clamp(state->Length, 4096, NativeOpenJpeg.StreamChunkSize);
        var stream = NativeOpenJpeg.CreateStream(bufferSize, isInput: 1);
        if (stream.IsInvalid)
        {
            throw new DicomCodecException("OpenJPEG: opj_stream_create failed (out of memory?)");
        }

        NativeOpenJpeg.SetReadFunction(stream, &Read);
        NativeOpenJpeg.SetSkipFunction(stream, &SkipInput);
        NativeOpenJpeg.SetSeekFunction(stream, &SeekInput);
        NativeOpenJpeg.SetUserData(stream, state, IntPtr.Zero);
        NativeOpenJpeg.SetUserDataLength(stream, (ulong)state->Length);
        return stream;
    }

    public static OpenJpegStreamHandle CreateWriter(OpenJpegWriteState* state)
    {
        var stream = NativeOpenJpeg.CreateStream(NativeOpenJpeg.StreamChunkSize, isInput: 0);
        if (stream.IsInvalid)
        {
            throw new DicomCodecException("OpenJPEG: opj_stream_create failed (out of memory?)");
        }

        NativeOpenJpeg.SetWriteFunction(stream, &Write);
        NativeOpenJpeg.SetSkipFunction(stream, &SkipOutput);
        NativeOpenJpeg.SetSeekFunction(stream, &SeekOutput);
        NativeOpenJpeg.SetUserData(stream, state, IntPtr.Zero);
        return stream;
    }

    [UnmanagedCallersOnly]
    private static nuint Read(void* buffer, nuint count, void* userData)
    {
        var state = (OpenJpegReadState*)userData;
        var available = state->Length - state->Position;
        if (available <= 0)
        {
            return unchecked((nuint)(-1)); // end of stream
        }

        var n = (long)Math.Min((ulong)available, count);
        Buffer.MemoryCopy(state->Data + state->Position, buffer, (long)count, n);
        state->Position += n;
        return (nuint)n;
    }

    [UnmanagedCallersOnly]
    private static long SkipInput(long count, void* userData)
    {
        var state = (OpenJpegReadState*)userData;
        var target = state->Position + count;
        if (target < 0 || target > state->Length)
        {
            state->Position = Math.Clamp(target, 0, state->Length);
            return -1;
        }

        state->Position = target;
        return count;
    }

    [UnmanagedCallersOnly]
    private static int SeekInput(long position, void* userData)
    {
        var state = (OpenJpegReadState*)userData;
        if (position < 0 || position > state->Length)
        {
            return 0;
        }

        state->Position = position;
        return 1;
    }

    [UnmanagedCallersOnly]
    private static nuint Write(void* buffer, nuint count, void* userData)
    {
        var state = (OpenJpegWriteState*)userData;
        var end = state->Position + (long)count;
        if (!EnsureCapacity(state, end))
        {
            return unchecked((nuint)(-1));
        }

        if (state->Position > state->Length)
        {
            // A skip past the end leaves a gap; the codestream never reads it, but keep it defined.
            new Span<byte>(state->Data + state->Length, checked((int)(state->Position - state->Length))).Clear();
        }

        Buffer.MemoryCopy(buffer, state->Data + state->Position, state->Capacity - state->Position, (long)count);
        state->Position = end;
        state->Length = Math.Max(state->Length, end);
        return count;
    }

    [UnmanagedCallersOnly]
    private static long SkipOutput(long count, void* userData)
    {
        var state = (OpenJpegWriteState*)userData;
        var target = state->Position + count;
        if (target < 0)
        {
            return -1;
        }

        state->Position = target;
        return count;
    }

    [UnmanagedCallersOnly]
    private static int SeekOutput(long position, void* userData)
    {
        var state = (OpenJpegWriteState*)userData;
        if (position < 0)
        {
            return 0;
        }

        state->Position = position;
        return 1;
    }

    private static bool EnsureCapacity(OpenJpegWriteState* state, long required)
    {
        if (required <= state->Capacity)
        {
            return true;
        }

        if (required > Array.MaxLength)
        {
            return false;
        }

        var capacity = Math.Min(Math.Max(required, Math.Max(state->Capacity * 2, 64 * 1024)), Array.MaxLength);
        try
        {
            state->Data = (byte*)NativeMemory.Realloc(state->Data, (nuint)capacity);
        }
        catch (OutOfMemoryException)
        {
            return false; // the old block is still valid and owned by the state
        }

        state->Capacity = capacity;
        return true;
    }
}
