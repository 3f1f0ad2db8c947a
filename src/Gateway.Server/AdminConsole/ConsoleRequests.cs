using Microsoft.Net.Http.Headers;

namespace Gateway.Server.AdminConsole;

/// <summary>Tells a browser's page request from an API client's: a GET or HEAD whose Accept names text/html.</summary>
public static class ConsoleRequests
{
    public static bool WantsHtml(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            return false;
        }

        return MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
            && accepted.Any(type => type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) && type.Quality is not 0);
    }
}
