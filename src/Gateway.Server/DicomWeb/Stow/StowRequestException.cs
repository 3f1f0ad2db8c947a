namespace Gateway.Server.DicomWeb.Stow;

/// <summary>A fault of the whole STOW-RS request (media type, multipart framing, size), answered with <see cref="StatusCode"/>.</summary>
public sealed class StowRequestException : Exception
{
    public StowRequestException()
    {
    }

    public StowRequestException(string message)
        : base(message)
    {
    }

    public StowRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StowRequestException(int statusCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    public int StatusCode { get; } = StatusCodes.Status400BadRequest;
}
