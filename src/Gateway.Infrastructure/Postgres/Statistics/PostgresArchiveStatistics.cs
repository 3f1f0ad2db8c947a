using Gateway.Core.Statistics;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Statistics;

/// <summary>
/// Archive totals computed by SQL over visible instances (not those still receiving): original bytes from
/// instances.original_bytes, stored bytes from the objects rows; the database's size, savings per day and the
/// queue's recent activity in PostgresArchiveStatistics.Activity.cs.
/// </summary>
public sealed partial class PostgresArchiveStatistics(NpgsqlDataSource dataSource) : IArchiveStatistics
{
    /// <summary>
    /// An instance's share of the series latent it is a slice of (migrations/0013_series_latents.sql), 0 for none: the
    /// object's bytes shared out by slice, the remainder to the first slices, so the shares of a whole series add up to
    /// it. Needs <see cref="WithObjects"/>'s joins.
    /// </summary>
    internal const string SeriesLatentShare =
        "coalesce(sl.size_bytes / sl.slices + case when i.slice_index < sl.size_bytes % sl.slices then 1 else 0 end, 0)";

    /// <summary>
    /// Joins every instance to the bytes of its objects (ob.bytes: all; ob.replacement: not the original, not a kept AI
    /// latent; 0 for none) and to its series latent (sl), aggregated once by hash rather than looked up per instance
    /// (100,000 index probes took seconds: docs/benchmarks.md, "Admin console pages").
    /// </summary>
    internal const string WithObjects =
        """
        left join (select instance_fk, sum(size_bytes) as bytes, coalesce(sum(size_bytes) filter (where kind not in ('original', 'ai-latent')), 0) as replacement
                   from objects group by instance_fk) ob on ob.instance_fk = i.id
        left join series_latents sl on sl.id = i.series_latent_id
        """;

    private const string UnknownModality = "(none)";

    public async Task<ArchiveStatistics> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await PostgresArchiveStatistics.AggregateInMemoryAsync(connection, transaction, cancellationToken).ConfigureAwait(false);

        StorageTotals totals = new(0, 0, 0);
        var byModality = new SortedDictionary<string, StorageTotals>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            $"""
            select coalesce(s.modality, ''), count(*), coalesce(sum(i.original_bytes), 0)::bigint,
                   (coalesce(sum(ob.bytes), 0) + coalesce(sum({SeriesLatentShare}), 0))::bigint
            from instances i left join series s on s.id = i.series_fk
            {WithObjects}
            where i.state <> 'receiving'
            group by rollup (coalesce(s.modality, ''))
            """,
            connection,
            transaction))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var group = new StorageTotals(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
                if (reader.IsDBNull(0))
                {
                    totals = group;
                }
                else
                {
                    byModality[reader.GetString(0) is { Length: > 0 } modality ? modality : UnknownModality] = group;
                }
            }
        }

        // One object of each kind per instance (objects_instance_kind), so the join counts each instance once per kind.
        var byKind = new List<StorageKindTotals>();
        await using (var command = new NpgsqlCommand(
            """
            select o.kind, count(*), count(*), coalesce(sum(o.size_bytes), 0)::bigint, coalesce(sum(i.original_bytes), 0)::bigint
            from objects o join instances i on i.id = o.instance_fk
            where i.state <> 'receiving'
            group by o.kind
            order by o.kind
            """,
            connection,
            transaction))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                byKind.Add(new StorageKindTotals(reader.GetString(0), reader.GetInt64(1), new StorageTotals(reader.GetInt64(2), reader.GetInt64(4), reader.GetInt64(3))));
            }
        }

        var queue = await QueueAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var byModel = await ByModelAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var byCompression = await ByCompressionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var psnr = await PsnrAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var byRepresentation = await ByRepresentationAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var databaseBytes = await DatabaseBytesAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var savings = await SavingsByDayAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ArchiveStatistics(totals, byModality, byKind, queue.Jobs)
        {
            ByModel = byModel,
            ByCompression = byCompression,
            Psnr = psnr,
            ByRepresentation = byRepresentation,
            RecentFailures = queue.RecentFailures,
            DatabaseBytes = databaseBytes,
            SavingsByDay = savings,
            Activity = queue.Activity,
        };
    }

    public async Task<QueueFigures> ReadQueueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var queue = await QueueAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return queue;
    }

    private static async Task<QueueFigures> QueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) => new(
        await JobsAsync(connection, transaction, cancellationToken).ConfigureAwait(false),
        await RecentFailuresAsync(connection, transaction, cancellationToken).ConfigureAwait(false),
        await ActivityAsync(connection, transaction, cancellationToken).ConfigureAwait(false));

    /// <summary>Jobs per kind and state; done ones from job_totals (a done job leaves no row).</summary>
    internal static async Task<IReadOnlyList<JobCount>> JobsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var jobs = new List<JobCount>();
        await using (var command = new NpgsqlCommand(
            """
            select kind, state, count from (
                select kind, state, count(*) as count from jobs group by kind, state
                union all
                select kind, 'done', done from job_totals) counts
            order by kind, state
            """,
            connection,
            transaction))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                jobs.Add(new JobCount(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
            }
        }

        return jobs;
    }

    /// <summary>The latest failed jobs with their reasons, newest first.</summary>
    private static async Task<IReadOnlyList<FailedJob>> RecentFailuresAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            select j.id, j.kind, i.sop_instance_uid, j.attempts, j.last_error, j.finished_at
            from jobs j left join instances i on i.id = j.instance_fk
            where j.state = 'failed'
            order by j.finished_at desc nulls last, j.id desc
            limit @limit
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("limit", ArchiveStatistics.MaxRecentFailures);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var failures = new List<FailedJob>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            failures.Add(new FailedJob(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return failures;
    }

    /// <summary>Latent objects per model (one per instance: objects_instance_kind), with their instances' original bytes.</summary>
    internal static async Task<IReadOnlyDictionary<string, StorageTotals>> ByModelAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            select o.model_id, count(*), coalesce(sum(i.original_bytes), 0)::bigint, coalesce(sum(o.size_bytes), 0)::bigint
            from objects o join instances i on i.id = o.instance_fk
            where o.kind = 'latent' and o.model_id is not null and i.state <> 'receiving'
            group by o.model_id
            """,
            connection,
            transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var byModel = new SortedDictionary<string, StorageTotals>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            byModel[reader.GetString(0)] = new StorageTotals(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }

        return byModel;
    }

    private static async Task<IReadOnlyDictionary<string, long>> ByCompressionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "select coalesce(compression, 'pending'), count(*) from instances where state <> 'receiving' group by 1",
            connection,
            transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    internal static async Task<PsnrDistribution> PsnrAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var bounds = PsnrDistribution.Bounds.ToArray();
        await using var command = new NpgsqlCommand(
            """
            with q as (select psnr from instances where compression = 'latent' and psnr is not null)
            select (select count(*) from q), (select min(psnr) from q), (select percentile_cont(0.5) within group (order by psnr) from q),
                   array(select count(q.psnr) from generate_series(0, cardinality(@bounds::float8[])) b
                         left join q on width_bucket(q.psnr, @bounds::float8[]) = b group by b order by b)
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("bounds", bounds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var count = reader.GetInt64(0);
        if (count == 0)
        {
            return PsnrDistribution.Empty;
        }

        var counts = reader.GetFieldValue<long[]>(3);
        var buckets = new List<PsnrBucket>(counts.Length);
        for (var i = 0; i < counts.Length; i++)
        {
            buckets.Add(new PsnrBucket(i == 0 ? null : bounds[i - 1], i == bounds.Length ? null : bounds[i], counts[i]));
        }

        return new PsnrDistribution(count, reader.GetDouble(1), reader.GetDouble(2), buckets);
    }

    /// <summary>Compressed instances per representation (instances.compression), with their objects' bytes (not the original, not a kept AI latent) and quality.</summary>
    private static async Task<IReadOnlyList<RepresentationTotals>> ByRepresentationAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var bounds = PsnrDistribution.Bounds.ToArray();
        var buckets = string.Join(", ", Enumerable.Range(0, bounds.Length + 1).Select(b => $"count(psnr) filter (where width_bucket(psnr, @bounds::float8[]) = {b})"));
        await using var command = new NpgsqlCommand(
            $"""
            with r as (
                select i.compression, i.original_bytes, i.psnr, i.ssim, i.max_abs_error, coalesce(ob.replacement, 0) + {SeriesLatentShare} as bytes
                from instances i
                {WithObjects}
                where i.state = 'compressed' and i.compression in ('latent', 'latent+residual', 'j2k-lossy', 'lossless', 'latent3d'))
            select compression, count(*), coalesce(sum(original_bytes), 0)::bigint, coalesce(sum(bytes), 0)::bigint,
                   count(psnr), min(psnr), percentile_cont(0.5) within group (order by psnr), min(ssim), max(max_abs_error),
                   array[{buckets}]
            from r group by compression order by compression
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("bounds", bounds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var totals = new List<RepresentationTotals>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var count = reader.GetInt64(4);
            var psnr = PsnrDistribution.Empty;
            if (count > 0)
            {
                var counts = reader.GetFieldValue<long[]>(9);
                psnr = new PsnrDistribution(
                    count,
                    reader.GetDouble(5),
                    reader.GetDouble(6),
                    [.. counts.Select((n, i) => new PsnrBucket(i == 0 ? null : bounds[i - 1], i == bounds.Length ? null : bounds[i], n))]);
            }

            totals.Add(new RepresentationTotals(
                reader.GetString(0),
                new StorageTotals(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)),
                psnr,
                reader.IsDBNull(7) ? null : reader.GetDouble(7),
                reader.IsDBNull(8) ? null : reader.GetInt32(8)));
        }

        return totals;
    }
}
