namespace Gateway.Server.Security;

/// <summary>The gateway was asked to serve HTTP beyond loopback with no authentication; the message says what to configure.</summary>
public sealed class InsecureBindException : Exception
{
    public InsecureBindException()
    {
    }

    public InsecureBindException(string message)
        : base(message)
    {
    }

    public InsecureBindException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
