using Gateway.Core.Statistics;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Statistics;

/// <summary>
/// Archive totals computed by SQL over visible instances (not those still receiving): original bytes from
/// instances.original_bytes, stored bytes from the objects rows.
/// </summary>
public sealed class PostgresArchiveStatistics(NpgsqlDataSource dataSource) : IArchiveStatistics
{
    private const string UnknownModality = "(none)";

    public async Task<ArchiveStatistics> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);

        StorageTotals totals = new(0, 0, 0);
        var byModality = new SortedDictionary<string, StorageTotals>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            """
            select coalesce(s.modality, ''), count(*), coalesce(sum(i.original_bytes), 0)::bigint,
                   coalesce(sum((select sum(o.size_bytes) from objects o where o.instance_fk = i.id)), 0)::bigint
            from instances i left join series s on s.id = i.series_fk
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

        var byKind = new List<StorageKindTotals>();
        await using (var command = new NpgsqlCommand(
            """
            select o.kind, count(*), count(distinct i.id), coalesce(sum(o.size_bytes), 0)::bigint,
                   coalesce((select sum(i2.original_bytes) from instances i2
                             where i2.state <> 'receiving' and exists (select 1 from objects o2 where o2.instance_fk = i2.id and o2.kind = o.kind)), 0)::bigint
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

        var jobs = new List<JobCount>();
        await using (var command = new NpgsqlCommand("select kind, state, count(*) from jobs group by kind, state order by kind, state", connection, transaction))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                jobs.Add(new JobCount(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ArchiveStatistics(totals, byModality, byKind, jobs);
    }
}
