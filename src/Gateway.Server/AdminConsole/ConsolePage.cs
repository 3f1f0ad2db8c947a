using Microsoft.AspNetCore.Antiforgery;

namespace Gateway.Server.AdminConsole;

/// <summary>
/// The shell every console page shares: navigation, the signed-in user with a sign-out form, the stylesheet served by
/// the gateway (no CDN), and response headers that keep the page to itself: a Content-Security-Policy that allows no
/// script at all and only the gateway's own stylesheet and images, no framing, no caching, no MIME sniffing.
/// </summary>
internal static class ConsolePage
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static readonly (string Path, string Name)[] Pages =
    [
        (ConsoleEndpoints.Root, "Overview"),
        (ConsoleEndpoints.Root + "/jobs", "Jobs"),
        (ConsoleEndpoints.Root + "/quality", "Quality"),
        (LifecycleEndpoints.Path, "Lifecycle"),
        (ModelsPage.Path, "Models"),
    ];

    public static IResult Render(HttpContext context, IAntiforgery antiforgery, string path, string title, string body, int statusCode = StatusCodes.Status200OK)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(antiforgery);
        var tokens = antiforgery.GetAndStoreTokens(context);
        SetHeaders(context.Response);
        var nav = string.Concat(Pages.Select(page => page.Path == path
            ? $"<a href=\"{page.Path}\" aria-current=\"page\">{page.Name}</a>"
            : $"<a href=\"{page.Path}\">{page.Name}</a>"));
        var user = context.User.Identity?.Name;
        var signOut = user is null
            ? string.Empty
            : $"<form method=\"post\" action=\"/logout\" class=\"signout\">{Token(tokens)}<span>{ConsoleHtml.Encode(user)}</span><button type=\"submit\">Sign out</button></form>";
        var html =
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">" +
            $"<title>{ConsoleHtml.Encode(title)} - MedVAE Gateway</title><link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"{ConsoleEndpoints.StylesheetPath}\"></head>" +
            $"<body><header><span class=\"brand\">MedVAE Gateway</span><nav>{nav}</nav>{signOut}</header>" +
            $"<main><h1>{ConsoleHtml.Encode(title)}</h1>{body}</main>" +
            $"<footer>As of {ConsoleHtml.Encode(ConsoleHtml.Time(DateTimeOffset.UtcNow))}; the same figures as <a href=\"/api/stats\">/api/stats</a> and <a href=\"/metrics\">/metrics</a>.</footer></body></html>";
        return Results.Content(html, "text/html; charset=utf-8", statusCode: statusCode);
    }

    /// <summary>The hidden antiforgery field of a console form.</summary>
    public static string Token(AntiforgeryTokenSet tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return $"<input type=\"hidden\" name=\"{ConsoleHtml.Encode(tokens.FormFieldName)}\" value=\"{ConsoleHtml.Encode(tokens.RequestToken)}\">";
    }

    public static void SetHeaders(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "same-origin";
        response.Headers.CacheControl = "no-store";
    }
}
