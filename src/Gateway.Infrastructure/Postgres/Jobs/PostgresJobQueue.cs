using Gateway.Core.Jobs;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Jobs;

/// <summary>
/// The work queue on the jobs table (migrations/0001_archive.sql): queued, running and failed jobs; a done job is only
/// a count in job_totals. A claim takes the oldest due row with
/// FOR UPDATE SKIP LOCKED inside one UPDATE, so concurrent workers on any node never take the same job and never
/// wait for each other.
/// </summary>
public sealed class PostgresJobQueue(NpgsqlDataSource dataSource) : IJobQueue
{
    public async Task<QueuedJob?> ClaimAsync(string workerId, IReadOnlyCollection<string> kinds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        await using var command = dataSource.CreateCommand(
            """
            update jobs set state = 'running', attempts = attempts + 1, locked_by = @worker, locked_at = now()
            where id = (
                select id from jobs
                where state = 'queued' and run_after <= now() and kind = any(@kinds)
                order by run_after, id
                for update skip locked
                limit 1)
            returning id, kind, instance_fk, attempts, series_fk
            """);
        command.Parameters.AddWithValue("worker", workerId);
        command.Parameters.AddWithValue("kinds", kinds.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new QueuedJob(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.GetInt32(3), reader.IsDBNull(4) ? null : reader.GetInt64(4));
    }

    public async Task<bool> RenewAsync(long jobId, string workerId, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "update jobs set locked_at = now() where id = @id and state = 'running' and locked_by = @worker",
            cancellationToken,
            ("id", jobId),
            ("worker", workerId)).ConfigureAwait(false) == 1;

    /// <summary>A finished job leaves no row: it is deleted and counted in job_totals (migrations/0012_job_totals.sql).</summary>
    public Task CompleteAsync(long jobId, string workerId, CancellationToken cancellationToken) =>
        ExecuteAsync(
            """
            with finished as (delete from jobs where id = @id and state = 'running' and locked_by = @worker returning kind)
            insert into job_totals (kind, done) select kind, 1 from finished
            on conflict (kind) do update set done = job_totals.done + excluded.done
            """,
            cancellationToken,
            ("id", jobId),
            ("worker", workerId));

    public Task RetryAsync(long jobId, string workerId, DateTimeOffset runAfter, string reason, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "update jobs set state = 'queued', run_after = @after, last_error = @error, locked_by = null, locked_at = null where id = @id and state = 'running' and locked_by = @worker",
            cancellationToken,
            ("id", jobId),
            ("worker", workerId),
            ("after", runAfter.UtcDateTime),
            ("error", reason));

    public Task FailAsync(long jobId, string workerId, string reason, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "update jobs set state = 'failed', finished_at = now(), last_error = @error, locked_by = null, locked_at = null where id = @id and state = 'running' and locked_by = @worker",
            cancellationToken,
            ("id", jobId),
            ("worker", workerId),
            ("error", reason));

    public async Task<int> RequeueAbandonedAsync(TimeSpan claimedLongerThan, string? deadWorkerPrefix, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            update jobs set state = 'queued', run_after = now(), locked_by = null, locked_at = null,
                last_error = 'Re-queued: the worker that claimed it (' || coalesce(locked_by, '?') || ') stopped.'
            where state = 'running'
              and (locked_at < now() - @stale or (@prefix::text is not null and starts_with(locked_by, @prefix::text)))
            """);
        command.Parameters.AddWithValue("stale", claimedLongerThan);
        command.Parameters.AddWithValue("prefix", (object?)deadWorkerPrefix ?? DBNull.Value);
        var requeued = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (requeued > 0)
        {
            await using var notify = dataSource.CreateCommand($"notify {PostgresArchiveIndex.JobsChannel}");
            await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return requeued;
    }

    public async Task<int> ReleaseClaimsAsync(string workerId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            with released as (
                update jobs set state = 'queued', run_after = now(), locked_by = null, locked_at = null,
                    last_error = 'Re-queued: its worker lost track of it (the queue failed).'
                where state = 'running' and locked_by = @worker
                returning id)
            select count(*)::int from released;
            notify {PostgresArchiveIndex.JobsChannel};
            """);
        command.Parameters.AddWithValue("worker", workerId);
        return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
