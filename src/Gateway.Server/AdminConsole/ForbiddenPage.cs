using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Gateway.Server.AdminConsole;

/// <summary>
/// A browser refused a page for want of a role (a viewer's session or API key on the console) reads why: the 403 of
/// every scheme (session cookie, API key, bearer token) gets a short text body when the request asked for HTML. API
/// clients keep the bare 403.
/// </summary>
internal sealed class ForbiddenPage : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        await _default.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
        if (authorizeResult.Forbidden && ConsoleRequests.WantsHtml(context.Request) && !context.Response.HasStarted)
        {
            var required = string.Join(", ", policy.Requirements.OfType<ClaimsAuthorizationRequirement>().SelectMany(requirement => requirement.AllowedValues ?? []));
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(
                $"403 Forbidden: this page needs the {(required.Length == 0 ? "right" : required)} role, which {context.User.Identity?.Name ?? "this caller"} has not got.",
                context.RequestAborted).ConfigureAwait(false);
        }
    }
}
