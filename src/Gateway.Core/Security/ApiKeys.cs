namespace Gateway.Core.Security;

/// <summary>A stored API key as admins see it: never the key itself, which is shown once, when it is created.</summary>
public sealed record ApiKeyRecord(long Id, string Name, string Prefix, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt);

/// <summary>API keys for modalities and scripts, kept as SHA-256 hashes of the key (the key has 256 random bits).</summary>
public interface IApiKeyStore
{
    Task<ApiKeyRecord> AddAsync(string name, string prefix, byte[] keyHash, IReadOnlyList<string> roles, string createdBy, CancellationToken cancellationToken);

    /// <summary>The key whose hash this is, if it exists and is not revoked.</summary>
    Task<ApiKeyRecord?> FindActiveAsync(byte[] keyHash, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Revokes a key; false when there is no such key or it was revoked already.</summary>
    Task<bool> RevokeAsync(long id, CancellationToken cancellationToken);
}
