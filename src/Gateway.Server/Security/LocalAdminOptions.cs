namespace Gateway.Server.Security;

/// <summary>
/// The local admin account (section "Gateway:Security:LocalAdmin") of a gateway without an OpenID Connect provider:
/// on, routes need a signed-in caller (the admin's browser session, or an API key the admin created), and the
/// gateway may serve beyond loopback. Off by default: a gateway never makes an account nobody asked for.
/// </summary>
public sealed class LocalAdminOptions
{
    /// <summary>The account's name.</summary>
    public const string UserName = "admin";

    public bool Enabled { get; set; }

    /// <summary>
    /// A file holding the first password (a container secret); without one the first start makes a random password
    /// and logs it once. Read only when the account does not exist yet.
    /// </summary>
    public string? InitialPasswordFile { get; set; }
}
