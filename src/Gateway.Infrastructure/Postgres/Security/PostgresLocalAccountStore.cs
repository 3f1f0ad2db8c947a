using Gateway.Core.Security;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Security;

/// <summary>Local accounts in the local_accounts table (migration 0014): PBKDF2 hashes only.</summary>
public sealed class PostgresLocalAccountStore(NpgsqlDataSource dataSource) : ILocalAccountStore
{
    public async Task<bool> AddIfMissingAsync(string name, PasswordHash password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        await using var command = dataSource.CreateCommand(
            "insert into local_accounts (name, algorithm, iterations, salt, hash) values (@name, @algorithm, @iterations, @salt, @hash) on conflict (name) do nothing");
        Bind(command, name, password);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<PasswordHash?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select algorithm, iterations, salt, hash from local_accounts where name = @name");
        command.Parameters.AddWithValue("name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new PasswordHash(reader.GetString(0), reader.GetInt32(1), reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<byte[]>(3))
            : null;
    }

    public async Task SetPasswordAsync(string name, PasswordHash password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        await using var command = dataSource.CreateCommand(
            "insert into local_accounts (name, algorithm, iterations, salt, hash) values (@name, @algorithm, @iterations, @salt, @hash) " +
            "on conflict (name) do update set algorithm = excluded.algorithm, iterations = excluded.iterations, salt = excluded.salt, hash = excluded.hash, password_changed_at = now()");
        Bind(command, name, password);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Bind(NpgsqlCommand command, string name, PasswordHash password)
    {
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("algorithm", password.Algorithm);
        command.Parameters.AddWithValue("iterations", password.Iterations);
        command.Parameters.AddWithValue("salt", password.Salt);
        command.Parameters.AddWithValue("hash", password.Hash);
    }
}
