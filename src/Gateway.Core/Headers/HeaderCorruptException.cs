namespace Gateway.Core.Headers;

/// <summary>
/// A stored header that cannot be trusted: a series header whose SHA-256 differs from the one recorded with it, or an
/// instance's delta that does not decode to its recorded size and checksum. Never answered with guessed elements.
/// </summary>
public sealed class HeaderCorruptException : Exception
{
    public HeaderCorruptException()
    {
    }

    public HeaderCorruptException(string message)
        : base(message)
    {
    }

    public HeaderCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
