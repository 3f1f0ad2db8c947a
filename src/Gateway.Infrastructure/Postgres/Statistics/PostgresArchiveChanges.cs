using Gateway.Core.Statistics;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Statistics;

/// <summary>
/// The archive_changes sequence of migration 0020, which statement-level triggers advance. A sequence is not
/// transactional: a writer advances it before it commits. So before a computation the counter is read together with
/// whether another session holds a write lock (RowExclusiveLock, held to the end of its transaction) on a counted
/// table; if one does, its change may be counted yet invisible to the computation, and the result counts as changed.
/// A writer that commits after this check and before the computation's snapshot is in that snapshot; one that writes
/// later advances the counter.
/// </summary>
public sealed class PostgresArchiveChanges(NpgsqlDataSource dataSource) : IArchiveChanges
{
    public async Task<long> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select last_value from archive_changes");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<long?> ReadBeforeComputingAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            select last_value, exists (
                select 1 from pg_locks
                where locktype = 'relation' and mode = 'RowExclusiveLock' and pid <> pg_backend_pid()
                  and database = (select oid from pg_database where datname = current_database())
                  and relation in ('instances'::regclass, 'objects'::regclass, 'series'::regclass, 'series_latents'::regclass))
            from archive_changes
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return reader.GetBoolean(1) ? null : reader.GetInt64(0);
    }
}
