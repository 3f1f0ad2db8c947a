using Npgsql;

namespace Gateway.Infrastructure.Postgres.Jobs;

/// <summary>
/// Starting a batch of jobs (a model backfill, a lifecycle batch) in its own transaction, one batch open at a time: the
/// batch's row and its jobs are inserted by one command, which selects the row's id, its start time and the jobs it
/// queued.
/// </summary>
internal static class JobBatchQueuing
{
    /// <summary>
    /// Takes the lock of <paramref name="lockName"/> for the transaction, marks the open batch of
    /// <paramref name="batchTable"/> finished when no job of <paramref name="jobKind"/> is left queued or running, and
    /// says whether a batch is still open (then no other may start).
    /// </summary>
    public static async Task<bool> IsBatchOpenAsync(string lockName, string batchTable, string jobKind, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using (var close = new NpgsqlCommand(
            $"""
            select pg_advisory_xact_lock(hashtext('{lockName}'));
            update {batchTable} set finished_at = now()
            where finished_at is null and not exists (select 1 from jobs j where j.kind = '{jobKind}' and j.state in ('queued', 'running'));
            """,
            transaction.Connection,
            transaction))
        {
            await close.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var open = new NpgsqlCommand($"select exists (select 1 from {batchTable} where finished_at is null)", transaction.Connection, transaction);
        return (bool)(await open.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Runs <paramref name="queue"/>; when it queued no job, rolls the transaction back (no empty batch is kept) and
    /// returns null; else records the count in the batch's row of <paramref name="batchTable"/>, wakes the workers and
    /// commits.
    /// </summary>
    public static async Task<(long Id, DateTimeOffset Started, long Queued)?> QueueAsync(
        NpgsqlCommand queue, string batchTable, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        long id, queued;
        DateTimeOffset started;
        await using (var reader = await queue.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            (id, started, queued) = (reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetInt64(2));
        }

        if (queued == 0)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }

        await using (var count = new NpgsqlCommand($"update {batchTable} set queued = @queued where id = @id; notify {PostgresArchiveIndex.JobsChannel}", transaction.Connection, transaction))
        {
            count.Parameters.AddWithValue("queued", (int)queued);
            count.Parameters.AddWithValue("id", id);
            await count.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (id, started, queued);
    }
}
