using Gateway.Core.Statistics;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Statistics;

/// <summary>
/// The quality report by SQL over compressed instances (their psnr, ssim and max_abs_error columns, measured on the
/// stored bytes), the model from their objects, and the gate from the candidates their compress job recorded
/// (instances.compression_candidates, positional form of migration 0009: a candidate's representation comes first).
/// </summary>
public sealed class PostgresQualityStatistics(NpgsqlDataSource dataSource) : IQualityStatistics
{
    private const string Compressed =
        """
        select coalesce(nullif(s.modality, ''), '(none)') as modality, i.compression as representation, coalesce(m.model, '') as model,
               i.psnr, i.ssim, i.max_abs_error, i.study_instance_uid, i.series_instance_uid, i.sop_instance_uid, i.id
        from instances i left join series s on s.id = i.series_fk
        left join (select instance_fk, min(model_id) as model from objects where model_id is not null and kind <> 'ai-latent' group by instance_fk) m
               on m.instance_fk = i.id
        where i.state = 'compressed' and i.compression in ('latent', 'latent+residual', 'j2k-lossy', 'lossless')
        """;

    public async Task<QualityReport> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await PostgresArchiveStatistics.AggregateInMemoryAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var groups = await GroupsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var gate = await GateAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var worst = await WorstAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new QualityReport(groups, gate, worst);
    }

    public async Task<MeasuredInstance?> FindAsync(string sopInstanceUid, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            select i.study_instance_uid, i.series_instance_uid, i.sop_instance_uid, coalesce(nullif(s.modality, ''), '(none)'),
                   case when i.state = 'compressed' then i.compression else 'original' end,
                   coalesce((select min(o.model_id) from objects o where o.instance_fk = i.id and o.model_id is not null and o.kind <> 'ai-latent'), ''),
                   i.psnr, i.ssim, i.max_abs_error
            from instances i left join series s on s.id = i.series_fk
            where i.sop_instance_uid = @uid and i.state <> 'receiving'
            """);
        command.Parameters.AddWithValue("uid", sopInstanceUid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Measured(reader) : null;
    }

    public async Task<IReadOnlyList<MeasuredInstance>> SampleAsync(CompareSample sample, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        // Each candidate's model by one index probe on its objects rather than the report's aggregate of every object:
        // the candidates are those that keep their original, a fraction of a large archive.
        await using var command = dataSource.CreateCommand(
            """
            select i.study_instance_uid, i.series_instance_uid, i.sop_instance_uid, coalesce(nullif(s.modality, ''), '(none)'), i.compression,
                   coalesce(m.model, ''), i.psnr, i.ssim, i.max_abs_error
            from instances i left join series s on s.id = i.series_fk
            cross join lateral (select min(o.model_id) as model from objects o where o.instance_fk = i.id and o.model_id is not null and o.kind <> 'ai-latent') m
            where i.state = 'compressed' and i.compression in ('latent', 'latent+residual', 'j2k-lossy', 'lossless')
              and exists (select 1 from objects o where o.instance_fk = i.id and o.kind = 'original')
              and (@modality::text is null or coalesce(nullif(s.modality, ''), '(none)') = @modality)
              and (@representation::text is null or i.compression = @representation)
              and (@model::text is null or coalesce(m.model, '') = @model)
            order by md5(i.sop_instance_uid || ':' || @seed::text), i.id limit @count
            """);
        command.Parameters.AddWithValue("modality", NpgsqlTypes.NpgsqlDbType.Text, (object?)sample.Modality ?? DBNull.Value);
        command.Parameters.AddWithValue("representation", NpgsqlTypes.NpgsqlDbType.Text, (object?)sample.Representation ?? DBNull.Value);
        command.Parameters.AddWithValue("model", NpgsqlTypes.NpgsqlDbType.Text, (object?)sample.Model ?? DBNull.Value);
        command.Parameters.AddWithValue("seed", sample.Seed);
        command.Parameters.AddWithValue("count", sample.Count);
        return await ReadMeasuredAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<QualityGroup>> GroupsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            with q as ({Compressed})
            select modality, representation, model, count(*), min(psnr), percentile_cont(0.5) within group (order by psnr), min(ssim), max(max_abs_error),
                   array[{Buckets("psnr", "psnr_bounds", QualityReport.PsnrBounds.Count)}],
                   array[{Buckets("ssim", "ssim_bounds", QualityReport.SsimBounds.Count)}],
                   array[{Buckets("max_abs_error::float8", "error_bounds", QualityReport.AbsErrorBounds.Count)}]
            from q group by 1, 2, 3 order by 1, 2, 3
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("psnr_bounds", QualityReport.PsnrBounds.ToArray());
        command.Parameters.AddWithValue("ssim_bounds", QualityReport.SsimBounds.ToArray());
        command.Parameters.AddWithValue("error_bounds", QualityReport.AbsErrorBounds.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var groups = new List<QualityGroup>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            groups.Add(new QualityGroup(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt64(3),
                reader.IsDBNull(4) ? null : reader.GetDouble(4),
                reader.IsDBNull(5) ? null : reader.GetDouble(5),
                reader.IsDBNull(6) ? null : reader.GetDouble(6),
                reader.IsDBNull(7) ? null : reader.GetInt32(7),
                Histogram(reader.GetFieldValue<long[]>(8), QualityReport.PsnrBounds),
                Histogram(reader.GetFieldValue<long[]>(9), QualityReport.SsimBounds),
                Histogram(reader.GetFieldValue<long[]>(10), QualityReport.AbsErrorBounds)));
        }

        return groups;
    }

    /// <summary>Per modality and for all (""): compressed instances whose job tried a lossy candidate, and those that ended lossy.</summary>
    internal static async Task<IReadOnlyList<GatePassRate>> GateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            with t as (
                select coalesce(nullif(s.modality, ''), '(none)') as modality, i.compression in ('latent', 'latent+residual', 'j2k-lossy') as lossy
                from instances i left join series s on s.id = i.series_fk
                where i.state = 'compressed' and json_typeof(i.compression_candidates -> 'candidates') = 'array'
                  and exists (select 1 from json_array_elements(i.compression_candidates -> 'candidates') c
                              where json_typeof(c) = 'array' and c ->> 0 <> 'lossless'))
            select modality, count(*), count(*) filter (where lossy) from t group by rollup (modality) order by modality nulls first
            """,
            connection,
            transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var gate = new List<GatePassRate>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            gate.Add(new GatePassRate(reader.IsDBNull(0) ? string.Empty : reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        return gate;
    }

    private static async Task<IReadOnlyList<MeasuredInstance>> WorstAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            with q as ({Compressed})
            select study_instance_uid, series_instance_uid, sop_instance_uid, modality, representation, model, psnr, ssim, max_abs_error
            from q where representation <> 'lossless' and psnr is not null
            order by psnr, id limit @limit
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("limit", QualityReport.WorstCount);
        return await ReadMeasuredAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<MeasuredInstance>> ReadMeasuredAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var measured = new List<MeasuredInstance>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            measured.Add(Measured(reader));
        }

        return measured;
    }

    private static MeasuredInstance Measured(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetDouble(6),
        reader.IsDBNull(7) ? null : reader.GetDouble(7),
        reader.IsDBNull(8) ? null : reader.GetInt32(8));

    private static string Buckets(string column, string bounds, int count) =>
        string.Join(", ", Enumerable.Range(0, count + 1).Select(b => $"count({column}) filter (where width_bucket({column}, @{bounds}::float8[]) = {b})"));

    private static IReadOnlyList<HistogramBucket> Histogram(long[] counts, IReadOnlyList<double> bounds) =>
        [.. counts.Select((count, i) => new HistogramBucket(i == 0 ? null : bounds[i - 1], i == bounds.Count ? null : bounds[i], count))];
}
