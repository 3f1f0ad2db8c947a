using Gateway.Core.Retrieve;

namespace Gateway.Server.DicomWeb.Http;

/// <summary>
/// The one place DICOMweb answers a damaged stored object (<see cref="DamagedObjectException"/>, logged by the
/// retrieve service naming the object): 500 with the exception's message as text while nothing was sent yet, else
/// (an object verified while it streamed) the response is broken off so the client sees it incomplete. Never 406:
/// the request was fine, the archive is at fault.
/// </summary>
public sealed partial class DamagedObjectResponses(RequestDelegate next, ILogger<DamagedObjectResponses> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        try
        {
            await next(http).ConfigureAwait(false);
        }
        catch (DamagedObjectException exception)
        {
            if (http.Response.HasStarted)
            {
                Log.Aborted(logger, http.Request.Path.Value ?? string.Empty, exception.Key);
                http.Abort();
                return;
            }

            Log.Answered(logger, http.Request.Path.Value ?? string.Empty, exception.Key);
            http.Response.Clear();
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync(exception.Message + "\n", http.RequestAborted).ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2650, Level = LogLevel.Error, Message = "{Path} answered 500: stored object {Key} is damaged")]
        public static partial void Answered(ILogger logger, string path, string key);

        [LoggerMessage(EventId = 2651, Level = LogLevel.Error, Message = "{Path} broken off mid-response: stored object {Key} is damaged")]
        public static partial void Aborted(ILogger logger, string path, string key);
    }
}
