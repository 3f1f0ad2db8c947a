using Gateway.Core.Statistics;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Statistics;

/// <summary>
/// <see cref="ModelQuality"/> by SQL over compressed instances: the model from their latent objects, PSNR from their psnr
/// column, and whether the latent qualified from the candidates their compress job recorded (positional form of
/// migration 0009: representation first, qualifies seventh).
/// </summary>
public sealed class PostgresModelStatistics(NpgsqlDataSource dataSource) : IModelStatistics
{
    public async Task<IReadOnlyList<ModelQuality>> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            with m as (
                select coalesce(nullif(s.modality, ''), '(none)') as modality,
                       (select min(o.model_id) from objects o where o.instance_fk = i.id and o.kind in ('latent', 'latent+residual', 'ai-latent')) as model,
                       i.compression in ('latent', 'latent+residual') as served, i.psnr,
                       (select bool_or((c ->> 6)::boolean) from json_array_elements(i.compression_candidates -> 'candidates') c
                        where json_typeof(c) = 'array' and c ->> 0 = 'latent') as qualified
                from instances i left join series s on s.id = i.series_fk
                where i.state = 'compressed' and json_typeof(i.compression_candidates -> 'candidates') = 'array')
            select model, modality, count(*) filter (where served),
                   percentile_cont(0.5) within group (order by psnr) filter (where served),
                   percentile_cont(0.05) within group (order by psnr) filter (where served),
                   count(qualified), count(*) filter (where qualified)
            from m where model is not null group by 1, 2 order by 1, 2
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<ModelQuality>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new ModelQuality(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetInt64(2),
                reader.IsDBNull(3) ? null : reader.GetDouble(3),
                reader.IsDBNull(4) ? null : reader.GetDouble(4),
                reader.GetInt64(5),
                reader.GetInt64(6)));
        }

        return rows;
    }
}
