namespace Gateway.Core.Security;

/// <summary>Local sign-in accounts (the admin of a gateway without an OpenID Connect provider), kept as password hashes.</summary>
public interface ILocalAccountStore
{
    /// <summary>Creates the account unless it exists; false when it existed (its password is left as it was).</summary>
    Task<bool> AddIfMissingAsync(string name, PasswordHash password, CancellationToken cancellationToken);

    Task<PasswordHash?> FindAsync(string name, CancellationToken cancellationToken);

    /// <summary>Sets the account's password, creating the account when it does not exist.</summary>
    Task SetPasswordAsync(string name, PasswordHash password, CancellationToken cancellationToken);
}
