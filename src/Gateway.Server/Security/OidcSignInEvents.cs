using Gateway.Core.Audit;
using Gateway.Server.Audit.Http;
using Gateway.Server.Hosting;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace Gateway.Server.Security;

/// <summary>
/// What the gateway adds to the Authority's sign-in callback (/signin-oidc): the ID token's roles mapped to gateway
/// roles; the sign-in audited as a login by the user who signed in; a failed one (the user cancelled at the provider,
/// a forged or stale callback) answered 401 with the reason, which the audit records as a failed login.
/// </summary>
internal static partial class OidcSignInEvents
{
    public static OpenIdConnectEvents Create(SecurityOptions security, GatewayOptions gateway) => new()
    {
        OnTokenValidated = context =>
        {
            TokenRoles.Apply(context.Principal!, security);
            return Task.CompletedTask;
        },
        OnTicketReceived = context =>
        {
            // The callback is answered by the handler, not by a route: the audit learns its action from the feature.
            var http = context.HttpContext;
            http.User = context.Principal!;
            var audit = http.Audit();
            audit.Action = AuditAction.Login;
            audit.Detail = "signed in at the Authority";
            var logger = Logger(http);
            var user = http.User.Identity?.Name ?? "?";
            var address = AddressOf(http, gateway);
            Log.SignedIn(logger, user, address);
            return Task.CompletedTask;
        },
        OnRemoteFailure = async context =>
        {
            var http = context.HttpContext;
            var reason = context.Failure?.Message ?? "no reason given";
            http.Audit().Detail = "sign-in at the Authority failed: " + reason;
            var logger = Logger(http);
            var address = AddressOf(http, gateway);
            Log.Failed(logger, address, reason);
            context.HandleResponse();
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync($"Sign-in at the identity provider failed ({reason}). Try again at /login.", http.RequestAborted).ConfigureAwait(false);
        },
    };

    private static ILogger Logger(HttpContext context) => context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSignInEvents));

    private static string AddressOf(HttpContext context, GatewayOptions gateway) => ClientPartition.AddressOf(context, gateway.TrustedProxies)?.ToString() ?? "unknown";

    private static partial class Log
    {
        [LoggerMessage(EventId = 7870, Level = LogLevel.Information, Message = "Signed in: {User} from {Address} (at the Authority)")]
        public static partial void SignedIn(ILogger logger, string user, string address);

        [LoggerMessage(EventId = 7871, Level = LogLevel.Warning, Message = "Sign-in at the Authority failed from {Address}: {Reason}")]
        public static partial void Failed(ILogger logger, string address, string reason);
    }
}
