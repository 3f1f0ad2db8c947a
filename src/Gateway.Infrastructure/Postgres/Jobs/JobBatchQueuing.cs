using Npgsql;

namespace Gateway.Infrastructure.Postgres.Jobs;

/// <summary>
/// The end of starting a batch of jobs (a model backfill, a lifecycle batch) in its own transaction: the batch's row
/// and its jobs are inserted by one command, which selects the row's id, its start time and the jobs it queued.
/// </summary>
internal static class JobBatchQueuing
{
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
