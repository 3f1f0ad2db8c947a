using Gateway.Core.Compression;
using Gateway.Core.Lifecycle;
using Gateway.Infrastructure.Postgres.Compression;
using Gateway.Infrastructure.Postgres.Jobs;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Lifecycle;

/// <summary>Lifecycle rules on the archive index (migrations/0017_lifecycle.sql): reports, batches and moves.</summary>
public sealed class PostgresLifecycleIndex(NpgsqlDataSource dataSource) : ILifecycleIndex
{
    private const string PixelKinds = "('original', 'lossless', 'j2k-lossy', 'latent+residual', 'latent')";

    /// <summary>The open batch (null when none), for the move rows of its jobs.</summary>
    private const string OpenBatch = "(select b.id from lifecycle_batches b where b.finished_at is null)";

    public async Task<IReadOnlyList<LifecycleRuleReport>> ReportAsync(LifecycleRules rules, DateTimeOffset now, int sample, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var moved = new Dictionary<string, (long Moved, long Unchanged, long Before, long After, DateTimeOffset? Last)>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            """
            select rule, count(*) filter (where outcome = 'moved'), count(*) filter (where outcome = 'unchanged'),
                   coalesce(sum(bytes_before) filter (where outcome = 'moved'), 0), coalesce(sum(bytes_after) filter (where outcome = 'moved'), 0), max(moved_at)
            from lifecycle_moves group by rule
            """,
            connection,
            transaction))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                moved[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
            }
        }

        var reports = new List<LifecycleRuleReport>();
        for (var position = 0; position < rules.Oldest.Count; position++)
        {
            await using var command = new NpgsqlCommand { Connection = connection, Transaction = transaction };
            var pending = LifecycleSql.Pending(rules, position, now, command.Parameters);
            command.CommandText = $"""
                with p as (select i.id, i.study_instance_uid, i.series_instance_uid, i.sop_instance_uid, s.modality, {LifecycleSql.Representation} as representation, {LifecycleSql.Bytes} as bytes
                           {LifecycleSql.From} where {pending})
                select count(*), coalesce(sum(bytes), 0)::bigint, null, null, null, null, null, 0 from p
                union all
                (select 0, bytes, study_instance_uid, series_instance_uid, sop_instance_uid, modality, representation, 1 from p order by id limit @sample)
                """;
            command.Parameters.AddWithValue("sample", sample);
            long count = 0, bytes = 0;
            var listed = new List<LifecyclePending>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (reader.GetInt32(7) == 0)
                    {
                        (count, bytes) = (reader.GetInt64(0), reader.GetInt64(1));
                        continue;
                    }

                    listed.Add(new LifecyclePending(reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6), reader.GetInt64(1)));
                }
            }

            var name = rules.Oldest[position].Name;
            var done = moved.GetValueOrDefault(name);
            reports.Add(new LifecycleRuleReport(name, count, bytes, listed, done.Moved, done.Unchanged, done.Before, done.After, done.Last));
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return reports;
    }

    public async Task<LifecycleBatch?> LatestBatchAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            select b.id, b.started_at,
                   coalesce(b.finished_at, case when not exists (select 1 from jobs j where j.kind = '{LifecycleJobHandler.JobKind}' and j.state in ('queued', 'running'))
                                                then (select max(m.moved_at) from lifecycle_moves m where m.batch_fk = b.id) end),
                   b.queued, (select count(*) from lifecycle_moves m where m.batch_fk = b.id), b.started_by
            from lifecycle_batches b order by b.id desc limit 1
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new LifecycleBatch(
            reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2), reader.GetInt32(3), reader.GetInt64(4), reader.GetString(5));
    }

    public async Task<LifecycleBatch?> StartBatchAsync(LifecycleRules rules, DateTimeOffset now, int batchSize, string startedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var open = await JobBatchQueuing.IsBatchOpenAsync("gateway-lifecycle-batch", "lifecycle_batches", LifecycleJobHandler.JobKind, transaction, cancellationToken).ConfigureAwait(false);
        if (open || rules.Oldest.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }

        await using var queue = new NpgsqlCommand { Connection = connection, Transaction = transaction };
        var pending = string.Join(
            " union all ",
            Enumerable.Range(0, rules.Oldest.Count).Select(position => $"(select {position} as position, i.id {LifecycleSql.From} where {LifecycleSql.Pending(rules, position, now, queue.Parameters)})"));
        queue.CommandText = $"""
            with b as (insert into lifecycle_batches (started_by) values (@by) returning id, started_at),
                 q as (insert into jobs (kind, instance_fk) select '{LifecycleJobHandler.JobKind}', p.id from ({pending}) p order by p.position, p.id limit @size returning 1)
            select b.id, b.started_at, (select count(*) from q) from b
            """;
        queue.Parameters.AddWithValue("by", startedBy);
        queue.Parameters.AddWithValue("size", batchSize);
        var batch = await JobBatchQueuing.QueueAsync(queue, "lifecycle_batches", transaction, cancellationToken).ConfigureAwait(false);
        return batch is not { } b ? null : new LifecycleBatch(b.Id, b.Started, null, b.Queued, 0, startedBy);
    }

    public async Task<LifecycleInstance?> LoadAsync(long instanceId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select s.modality, st.study_date, i.received_at {LifecycleSql.From} where i.id = @id and i.state <> 'receiving'");
        command.Parameters.AddWithValue("id", instanceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new LifecycleInstance(reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2))
            : null;
    }

    public async Task<IReadOnlyList<string>?> RecordMoveAsync(long instanceId, string rule, string sourceKey, CompressionOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var replacement = outcome.Replacement;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // The instance row locked first (as the compress job's record does), then the move row: a second run inserts nothing.
        await using (var move = new NpgsqlCommand(
            $"""
            with i as (select i.* from instances i
                       where i.id = @id and i.state <> 'receiving'
                         and exists (select 1 from objects o where o.instance_fk = i.id and o.object_key = @source)
                       for update)
            insert into lifecycle_moves (instance_fk, rule, batch_fk, outcome, reason, from_representation, to_representation, bytes_before, bytes_after)
            select i.id, @rule, {OpenBatch}, 'moved', @reason, {LifecycleSql.Representation}, @kind, {LifecycleSql.Bytes}, @after from i
            on conflict do nothing
            """,
            connection,
            transaction))
        {
            move.Parameters.AddWithValue("id", instanceId);
            move.Parameters.AddWithValue("source", sourceKey);
            move.Parameters.AddWithValue("rule", rule);
            move.Parameters.AddWithValue("reason", outcome.Reason);
            move.Parameters.AddWithValue("kind", PostgresStates.Format(replacement.Kind));
            move.Parameters.AddWithValue("after", replacement.Stored.Size + (outcome.KeptLatent?.Stored.Size ?? 0));
            if (await move.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return null;
            }
        }

        var retired = new List<string>();
        await using (var delete = new NpgsqlCommand(
            $"delete from objects where instance_fk = @id and (kind in {PixelKinds} or (kind = 'ai-latent' and @kept)) returning object_key", connection, transaction))
        {
            delete.Parameters.AddWithValue("id", instanceId);
            delete.Parameters.AddWithValue("kept", outcome.KeptLatent is not null);
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                retired.Add(reader.GetString(0));
            }
        }

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            ReplacementRows.Add(batch, instanceId, outcome);

            // The original is gone: a retire-original job still due has nothing left to do.
            var retire = new NpgsqlBatchCommand("delete from jobs where instance_fk = @id and kind = 'retire-original' and state = 'queued'");
            retire.Parameters.AddWithValue("id", instanceId);
            batch.BatchCommands.Add(retire);
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return retired;
    }

    public async Task RecordUnchangedAsync(long instanceId, string rule, string reason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            insert into lifecycle_moves (instance_fk, rule, batch_fk, outcome, reason, from_representation, to_representation, bytes_before, bytes_after)
            select i.id, @rule, {OpenBatch}, 'unchanged', @reason, r.representation, r.representation, r.bytes, r.bytes
            from instances i cross join lateral (select {LifecycleSql.Representation} as representation, {LifecycleSql.Bytes} as bytes) r
            where i.id = @id and i.state <> 'receiving'
            on conflict do nothing
            """);
        command.Parameters.AddWithValue("id", instanceId);
        command.Parameters.AddWithValue("rule", rule);
        command.Parameters.AddWithValue("reason", reason);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
