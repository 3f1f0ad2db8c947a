using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace Gateway.Server.Security;

/// <summary>The server-rendered sign-in, signed-in and continue pages: plain HTML forms and links, no scripts, no external assets.</summary>
internal static class LoginPage
{
    private const string Style =
        "body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}" +
        "label,input,button{display:block;width:100%;margin:.3rem 0;box-sizing:border-box}input,button{padding:.5rem}" +
        ".error{color:#a00}";

    public static IResult SignIn(AntiforgeryTokenSet tokens, string? error, string returnUrl, int statusCode = StatusCodes.Status200OK) => Page(
        "Sign in",
        (error is null ? string.Empty : $"<p class=\"error\" role=\"alert\">{Encode(error)}</p>") +
        "<form method=\"post\" action=\"/login\">" + Token(tokens) +
        $"<input type=\"hidden\" name=\"{LoginEndpoints.ReturnUrlParameter}\" value=\"{Encode(returnUrl)}\">" +
        "<label for=\"username\">User</label><input id=\"username\" name=\"username\" autocomplete=\"username\" required value=\"admin\">" +
        "<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required autofocus>" +
        "<button type=\"submit\">Sign in</button></form>",
        statusCode);

    public static IResult SignedIn(AntiforgeryTokenSet tokens, string user, string returnUrl) => Page(
        "Signed in",
        $"<p>Signed in as <strong>{Encode(user)}</strong>. <a href=\"{Encode(returnUrl)}\">Continue</a></p>" +
        "<form method=\"post\" action=\"/logout\">" + Token(tokens) + "<button type=\"submit\">Sign out</button></form>",
        StatusCodes.Status200OK);

    /// <summary>
    /// Where the provider's callback lands: a same-site navigation of this page's own (a meta refresh, no script) takes
    /// the browser on, so the SameSite=Strict session cookie goes with it.
    /// </summary>
    public static IResult Continue(string returnUrl) => Page(
        "Signed in",
        $"<p><a href=\"{Encode(returnUrl)}\">Continue</a></p>",
        StatusCodes.Status200OK,
        $"<meta http-equiv=\"refresh\" content=\"0; url={Encode(returnUrl)}\">");

    private static string Token(AntiforgeryTokenSet tokens) =>
        $"<input type=\"hidden\" name=\"{Encode(tokens.FormFieldName)}\" value=\"{Encode(tokens.RequestToken!)}\">";

    private static string Encode(string text) => HtmlEncoder.Default.Encode(text);

    private static IResult Page(string title, string body, int statusCode, string head = "") => Results.Content(
        $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><link rel=\"icon\" href=\"data:,\">{head}" +
        $"<title>{title} - MedVAE Gateway</title><style>{Style}</style></head><body><h1>MedVAE Gateway</h1><h2>{title}</h2>{body}</body></html>",
        "text/html; charset=utf-8",
        statusCode: statusCode);
}
