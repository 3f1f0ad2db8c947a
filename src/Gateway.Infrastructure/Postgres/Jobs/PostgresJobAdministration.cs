using Gateway.Core.Jobs;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Jobs;

/// <summary>The admin's view of the jobs table: listing, retrying a failed job (workers are woken by NOTIFY), cancelling a queued or failed one.</summary>
public sealed class PostgresJobAdministration(NpgsqlDataSource dataSource) : IJobAdministration
{
    public async Task<IReadOnlyList<JobListing>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            select j.id, j.kind, j.state, i.sop_instance_uid, j.attempts, j.run_after, j.locked_by, j.locked_at, j.last_error, j.finished_at
            from jobs j left join instances i on i.id = j.instance_fk
            where j.state in ('failed', 'running', 'queued')
            order by case j.state when 'failed' then 0 when 'running' then 1 else 2 end, j.id desc
            limit @limit
            """);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var jobs = new List<JobListing>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(new JobListing(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetInt32(4),
                reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9)));
        }

        return jobs;
    }

    public async Task<bool> RetryAsync(long jobId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "update jobs set state = 'queued', run_after = now(), attempts = 0, finished_at = null where id = @id and state = 'failed'");
        command.Parameters.AddWithValue("id", jobId);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            return false;
        }

        await using var notify = dataSource.CreateCommand($"notify {PostgresArchiveIndex.JobsChannel}");
        await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> CancelAsync(long jobId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("delete from jobs where id = @id and state in ('queued', 'failed')");
        command.Parameters.AddWithValue("id", jobId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }
}
