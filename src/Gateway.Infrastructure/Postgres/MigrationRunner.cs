using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Gateway.Infrastructure.Postgres;

/// <summary>
/// Applies the forward-only SQL migrations (migrations/*.sql, embedded in this assembly) in name order, each in
/// its own transaction, under a PostgreSQL advisory lock so that several gateway nodes starting at once apply
/// each migration exactly once. A migration that changed after it was applied stops start-up.
/// </summary>
public sealed partial class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> logger)
{
    /// <summary>The advisory lock key: "MVGW" as a number.</summary>
    private const long LockKey = 0x4D564757;

    public static IReadOnlyList<(string Name, string Sql)> Migrations { get; } = LoadMigrations();

    /// <summary>Applies what is missing; returns how many migrations were applied.</summary>
    public async Task<int> ApplyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"select pg_advisory_lock({LockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, "create table if not exists schema_migrations (name text primary key, sha256 text not null, applied_at timestamptz not null default now())", cancellationToken).ConfigureAwait(false);
            var applied = new Dictionary<string, string>(StringComparer.Ordinal);
            await using (var select = new NpgsqlCommand("select name, sha256 from schema_migrations", connection))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    applied[reader.GetString(0)] = reader.GetString(1);
                }
            }

            var count = 0;
            foreach (var (name, sql) in Migrations)
            {
                var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
                if (applied.TryGetValue(name, out var recorded))
                {
                    if (recorded != hash)
                    {
                        throw new InvalidOperationException($"Migration {name} was changed after it was applied; migrations are forward-only: add a new one instead.");
                    }

                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (var migrate = new NpgsqlCommand(sql, connection, transaction))
                {
                    await migrate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using (var record = new NpgsqlCommand("insert into schema_migrations (name, sha256) values (@name, @sha)", connection, transaction))
                {
                    record.Parameters.AddWithValue("name", name);
                    record.Parameters.AddWithValue("sha", hash);
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                Log.Applied(logger, name);
                count++;
            }

            return count;
        }
        finally
        {
            await ExecuteAsync(connection, $"select pg_advisory_unlock({LockKey})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<(string Name, string Sql)> LoadMigrations()
    {
        var assembly = Assembly.GetExecutingAssembly();
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith("migrations/", StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream, Encoding.UTF8);
                return (name["migrations/".Length..], reader.ReadToEnd());
            })
            .ToList();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Applied database migration {Name}")]
        public static partial void Applied(ILogger logger, string name);
    }
}
