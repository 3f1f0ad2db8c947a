using System.Net;
using System.Text.RegularExpressions;

namespace Gateway.Server.Tests.Security.SignIn;

/// <summary>A browser as far as sign-in needs one: a cookie jar, redirects followed by the test, forms read from the HTML.</summary>
internal sealed partial class Browser : IDisposable
{
    private readonly HttpClient _http;

    public Browser(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    }

    public CookieContainer Cookies { get; }

    /// <summary>Headers sent with every request (an X-Forwarded-For, as a proxy in front of the gateway adds).</summary>
    public System.Net.Http.Headers.HttpRequestHeaders Headers => _http.DefaultRequestHeaders;

    public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> GetAsync(string url)
    {
        var response = await _http.GetAsync(new Uri(url, UriKind.RelativeOrAbsolute), TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response);
    }

    public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostFormAsync(string url, IReadOnlyDictionary<string, string> fields)
    {
        using var form = new FormUrlEncodedContent(fields);
        var response = await _http.PostAsync(new Uri(url, UriKind.RelativeOrAbsolute), form, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response);
    }

    /// <summary>The hidden antiforgery field of the page's form.</summary>
    public static KeyValuePair<string, string> AntiforgeryField(string html)
    {
        var match = AntiforgeryInput().Match(html);
        Assert.True(match.Success, "no antiforgery field in:\n" + html);
        return new(match.Groups[1].Value, WebUtility.HtmlDecode(match.Groups[2].Value));
    }

    public bool HasCookie(Uri site, string name) => Cookies.GetCookies(site).Any(cookie => cookie.Name == name && !cookie.Expired);

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]+)\">")]
    private static partial Regex AntiforgeryInput();
}
