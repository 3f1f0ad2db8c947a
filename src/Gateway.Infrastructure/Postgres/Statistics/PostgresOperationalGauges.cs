using Gateway.Core.Statistics;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Statistics;

/// <summary>
/// The gauges of /metrics by SQL in one read-only snapshot, each statement cut off after <see cref="StatementTimeout"/>:
/// plain aggregates over instances, objects and series_latents (no per-instance sub-query), the queue from jobs (only
/// jobs not done have rows) and job_totals; PSNR buckets, latents per model, the database's size and the quality gate
/// by the same queries as /api/stats and /api/quality.
/// </summary>
public sealed class PostgresOperationalGauges(NpgsqlDataSource dataSource) : IOperationalGauges
{
    /// <summary>How long one statement may run before PostgreSQL cancels it (the scrape then reports the database down).</summary>
    public static readonly TimeSpan StatementTimeout = TimeSpan.FromSeconds(5);

    public async Task<OperationalGauges> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        var byModality = await GroupsAsync(
            "select coalesce(nullif(s.modality, ''), '(none)'), count(*), coalesce(sum(i.original_bytes), 0)::bigint from instances i left join series s on s.id = i.series_fk where i.state <> 'receiving' group by 1 order by 1",
            connection,
            transaction,
            cancellationToken).ConfigureAwait(false);
        var stored = await StoredAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var byOutcome = await OutcomesAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var byRepresentation = byOutcome
            .GroupBy(row => row.Representation, StringComparer.Ordinal)
            .Select(group => new InstanceGroup(group.Key, group.Sum(row => row.Instances), group.Sum(row => row.OriginalBytes)))
            .OrderBy(group => group.Name, StringComparer.Ordinal)
            .ToList();
        var byCompression = byOutcome
            .GroupBy(row => row.Outcome, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Sum(row => row.Instances), StringComparer.Ordinal);
        var byModel = await PostgresArchiveStatistics.ByModelAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var psnr = await PostgresArchiveStatistics.PsnrAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var gate = await PostgresQualityStatistics.GateAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var databaseBytes = await PostgresArchiveStatistics.DatabaseBytesAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var queue = await QueueAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new OperationalGauges(byModality, stored, byRepresentation, byCompression, byModel, psnr, gate, databaseBytes, queue);
    }

    public async Task<QueueState> ReadQueueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginAsync(connection, cancellationToken).ConfigureAwait(false);
        var queue = await QueueAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return queue;
    }

    private static async Task<NpgsqlTransaction> BeginAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = new NpgsqlCommand(
                $"set transaction read only; set local statement_timeout = {(int)StatementTimeout.TotalMilliseconds}; set local work_mem = '32MB'", connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<IReadOnlyList<InstanceGroup>> GroupsAsync(string sql, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var groups = new List<InstanceGroup>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            groups.Add(new InstanceGroup(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return groups;
    }

    /// <summary>Objects per kind of visible instances, and the series latents as kind latent3d (one object per series volume).</summary>
    private static async Task<IReadOnlyList<StoredKind>> StoredAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            select o.kind, count(*), coalesce(sum(o.size_bytes), 0)::bigint
            from objects o join instances i on i.id = o.instance_fk
            where i.state <> 'receiving'
            group by o.kind
            union all
            select 'latent3d', count(*), coalesce(sum(size_bytes), 0)::bigint from series_latents having count(*) > 0
            order by 1
            """,
            connection,
            transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var stored = new List<StoredKind>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            stored.Add(new StoredKind(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return stored;
    }

    /// <summary>Visible instances per serving representation and compress outcome (pending: not compressed yet; kept: the original stays).</summary>
    private static async Task<IReadOnlyList<(string Representation, string Outcome, long Instances, long OriginalBytes)>> OutcomesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            select case when state = 'compressed' then compression else 'original' end, coalesce(compression, 'pending'),
                   count(*), coalesce(sum(original_bytes), 0)::bigint
            from instances where state <> 'receiving' group by 1, 2
            """,
            connection,
            transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<(string, string, long, long)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return rows;
    }

    /// <summary>Jobs per kind and state, and the wait of each kind's oldest due job (jobs_ready serves it).</summary>
    private static async Task<QueueState> QueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var jobs = await PostgresArchiveStatistics.JobsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "select kind, extract(epoch from now() - min(run_after))::float8 from jobs where state = 'queued' and run_after <= now() group by kind",
            connection,
            transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var oldest = new SortedDictionary<string, double>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            oldest[reader.GetString(0)] = Math.Max(0, reader.GetDouble(1));
        }

        return new QueueState(jobs, oldest);
    }
}
