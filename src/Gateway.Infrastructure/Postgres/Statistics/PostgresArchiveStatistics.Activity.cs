using Gateway.Core.Statistics;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Statistics;

/// <summary>The figures over time: the database's size, savings per day of receipt, and what the queue did lately.</summary>
public sealed partial class PostgresArchiveStatistics
{
    /// <summary>
    /// Lets this transaction's hash aggregates over every instance (100,000 groups: about 8 MB) stay in memory rather
    /// than spill to disk in batches at the default work_mem of 4 MB.
    /// </summary>
    internal static async Task AggregateInMemoryAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("set local work_mem = '32MB'", connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<long> DatabaseBytesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select pg_database_size(current_database())", connection, transaction);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Visible instances per UTC day of receipt over the last <see cref="ArchiveStatistics.SavingsDays"/> days, with their objects' bytes now.</summary>
    private static async Task<IReadOnlyList<DailySavings>> SavingsByDayAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            select (i.received_at at time zone 'UTC')::date, count(*), coalesce(sum(i.original_bytes), 0)::bigint,
                   coalesce(sum(ob.bytes), 0)::bigint
            from instances i
            {WithObjects}
            where i.state <> 'receiving'
              and i.received_at >= (((now() at time zone 'UTC')::date - @days + 1)::timestamp at time zone 'UTC')
            group by 1 order by 1
            """,
            connection,
            transaction);
        command.Parameters.AddWithValue("days", ArchiveStatistics.SavingsDays);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var days = new List<DailySavings>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            days.Add(new DailySavings(reader.GetFieldValue<DateOnly>(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return days;
    }

    private static async Task<QueueActivity> ActivityAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        long lastHour;
        long lastDay;
        await using (var command = new NpgsqlCommand(
            """
            select count(*) filter (where compressed_at >= now() - interval '1 hour'), count(*)
            from instances where compressed_at >= now() - interval '24 hours'
            """,
            connection,
            transaction))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            (lastHour, lastDay) = (reader.GetInt64(0), reader.GetInt64(1));
        }

        var failed = new SortedDictionary<string, long>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            "select kind, count(*) from jobs where state = 'failed' and finished_at >= now() - interval '24 hours' group by kind",
            connection,
            transaction))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                failed[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        return new QueueActivity(lastHour, lastDay, failed);
    }
}
