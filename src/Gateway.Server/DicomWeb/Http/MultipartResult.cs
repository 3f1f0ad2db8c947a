namespace Gateway.Server.DicomWeb.Http;

/// <summary>A multipart/related response whose parts are written as they are produced.</summary>
internal sealed class MultipartResult(string partType, string? transferSyntax, Func<MultipartRelatedWriter, CancellationToken, Task> writeParts) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var writer = new MultipartRelatedWriter(httpContext.Response.Body);
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = writer.ContentType(partType, transferSyntax);
        var cancellationToken = httpContext.RequestAborted;
        await writeParts(writer, cancellationToken).ConfigureAwait(false);
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }
}
