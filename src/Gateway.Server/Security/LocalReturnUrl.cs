namespace Gateway.Server.Security;

/// <summary>
/// The page sign-in goes back to: a path on this gateway ("/console/jobs?x=1"), never another site (no scheme, no
/// "//host" or "/\host", no control characters); "/" for anything else.
/// </summary>
internal static class LocalReturnUrl
{
    public static string Of(string? candidate) =>
        candidate is { Length: > 0 and <= 2000 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl)
            ? url
            : "/";
}
