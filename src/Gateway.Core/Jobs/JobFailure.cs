using Gateway.Dicom;

namespace Gateway.Core.Jobs;

/// <summary>How a failed job attempt is settled.</summary>
public enum JobFailureKind
{
    /// <summary>May succeed later (storage or database unavailable, a crash): retried with backoff.</summary>
    Transient,

    /// <summary>
    /// Deterministic: a retry gives the same answer (a stored object that does not parse or decode, a checksum
    /// mismatch), so the job fails at once, its reason recorded with <see cref="JobFailure.PermanentPrefix"/>.
    /// </summary>
    Permanent,
}

/// <summary>Classifies the exceptions of job handlers (DESIGN.md: a parse error fails at once; only transient failures are retried).</summary>
public static class JobFailure
{
    /// <summary>Starts the recorded reason of a job failed permanently (what /api/stats and the logs show).</summary>
    public const string PermanentPrefix = "permanent: ";

    public static JobFailureKind Classify(Exception exception) =>
        exception is PermanentJobFailureException or DicomException ? JobFailureKind.Permanent : JobFailureKind.Transient;

    /// <summary>The reason recorded for a failed attempt: the handler's message, with the exception type where it is not our own.</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var text = exception is PermanentJobFailureException ? exception.Message : $"{exception.GetType().Name}: {exception.Message}";
        return Classify(exception) == JobFailureKind.Permanent ? PermanentPrefix + text : text;
    }
}
