using Gateway.Core.Security;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Security;

/// <summary>API keys in the api_keys table (migration 0010): hashes only, revoked keys kept with their revocation time.</summary>
public sealed class PostgresApiKeyStore(NpgsqlDataSource dataSource) : IApiKeyStore
{
    private const string Columns = "id, name, prefix, roles, created_at, created_by, revoked_at";

    public async Task<ApiKeyRecord> AddAsync(string name, string prefix, byte[] keyHash, IReadOnlyList<string> roles, string createdBy, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"insert into api_keys (name, prefix, key_hash, roles, created_by) values (@name, @prefix, @hash, @roles, @by) returning {Columns}");
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("prefix", prefix);
        command.Parameters.AddWithValue("hash", keyHash);
        command.Parameters.AddWithValue("roles", roles.ToArray());
        command.Parameters.AddWithValue("by", createdBy);
        return (await ReadAsync(command, cancellationToken).ConfigureAwait(false)).Single();
    }

    public async Task<ApiKeyRecord?> FindActiveAsync(byte[] keyHash, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from api_keys where key_hash = @hash and revoked_at is null");
        command.Parameters.AddWithValue("hash", keyHash);
        return (await ReadAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from api_keys order by id");
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RevokeAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("update api_keys set revoked_at = now() where id = @id and revoked_at is null");
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static async Task<List<ApiKeyRecord>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var records = new List<ApiKeyRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(new ApiKeyRecord(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetFieldValue<string[]>(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return records;
    }
}
