namespace Gateway.Core.Jobs;

/// <summary>A job failed in a way a retry cannot fix (a checksum mismatch): the job is marked failed at once.</summary>
public sealed class PermanentJobFailureException : Exception
{
    public PermanentJobFailureException()
    {
    }

    public PermanentJobFailureException(string message)
        : base(message)
    {
    }

    public PermanentJobFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
