using System.Diagnostics;

namespace Gateway.Dicom.Tests.Robustness;

/// <summary>
/// One call of <see cref="DicomFile.Read(Stream, DicomReadOptions?)"/> with its wall time and the bytes it
/// allocated on this thread, and the rules every hostile input must keep.
/// </summary>
internal sealed record ReadAttempt(DicomFile? File, Exception? Error, TimeSpan Elapsed, long Allocated)
{
    /// <summary>A hang detector, not a performance target: a valid 1 MB file reads in about a millisecond.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(2);

    /// <summary>Allocation allowed per read: this many times the input size, plus <see cref="AllocationSlack"/>.</summary>
    public const long AllocationFactor = 64;

    public const long AllocationSlack = 8L << 20;

    public static long AllocationLimit(long inputLength) => AllocationFactor * inputLength + AllocationSlack;

    public static ReadAttempt Run(Stream stream, DicomReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        DicomFile? file = null;
        Exception? error = null;
        try
        {
            file = DicomFile.Read(stream, options);
        }
#pragma warning disable CA1031 // Every exception type is an outcome to classify here; any but DicomException is a finding.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            error = exception;
        }

        clock.Stop();
        return new ReadAttempt(file, error, clock.Elapsed, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>What this read did wrong, or null: only DicomException with a message, in bounded time and memory.</summary>
    public string? Problem(long inputLength)
    {
        if (Error is not null && (Error is not DicomException || string.IsNullOrWhiteSpace(Error.Message)))
        {
            return $"threw {Error.GetType().FullName}: {Error.Message}{Environment.NewLine}{Error.StackTrace}";
        }

        if (Elapsed > TimeLimit)
        {
            return $"took {Elapsed.TotalMilliseconds:F0} ms (limit {TimeLimit.TotalMilliseconds:F0} ms)";
        }

        var limit = AllocationLimit(inputLength);
        return Allocated > limit ? $"allocated {Allocated:N0} bytes for a {inputLength:N0}-byte input (limit {limit:N0})" : null;
    }
}
