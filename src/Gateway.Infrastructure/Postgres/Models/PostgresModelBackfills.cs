using Gateway.Core.Backfill;
using Gateway.Core.Compression;
using Gateway.Infrastructure.Postgres.Compression;
using Gateway.Infrastructure.Postgres.Jobs;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Models;

/// <summary>Backfills on the archive index (migrations/0018_model_backfills.sql): the latest, what is pending, starting one, and each instance's outcome.</summary>
public sealed class PostgresModelBackfills(NpgsqlDataSource dataSource) : IModelBackfillIndex
{
    /// <summary>The kinds of a current representation (<see cref="ModelBackfillJobHandler.Replaced"/>) as an SQL list.</summary>
    private static readonly string ReplacedKinds = "(" + string.Join(", ", ModelBackfillJobHandler.Replaced.Select(kind => $"'{PostgresStates.Format(kind)}'")) + ")";

    private static readonly string CurrentBytes = $"(select coalesce(sum(o.size_bytes), 0) from objects o where o.instance_fk = i.id and o.kind in {ReplacedKinds})";

    /// <summary>"Pending for a backfill of @rule with @model, of @modalities" (i: instances, s: its series).</summary>
    private const string Pending =
        $"""
        i.state = 'compressed' and i.series_latent_id is null
        and i.compression in ('lossless', 'j2k-lossy', 'latent+residual', 'latent')
        and exists (select 1 from objects o where o.instance_fk = i.id and o.kind in ('original', 'lossless'))
        and (cardinality(@modalities::text[]) = 0 or upper(trim(s.modality)) = any(@modalities::text[]))
        and not exists (select 1 from model_backfill_outcomes x join model_backfills b on b.id = x.backfill_fk
                        where x.instance_fk = i.id and b.rule_index = @rule and b.model_id = @model)
        and not exists (select 1 from jobs j where j.instance_fk = i.id and j.kind = '{ModelBackfillJobHandler.JobKind}')
        """;

    public async Task<ModelBackfill?> LatestAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            select b.id, b.rule_index, b.model_id, b.started_by, b.started_at,
                   coalesce(b.finished_at, case when not exists (select 1 from jobs j where j.kind = '{ModelBackfillJobHandler.JobKind}' and j.state in ('queued', 'running'))
                                                then coalesce((select max(x.done_at) from model_backfill_outcomes x where x.backfill_fk = b.id), b.started_at) end),
                   b.queued,
                   count(x.instance_fk) filter (where x.outcome = 'replaced'), count(x.instance_fk) filter (where x.outcome = 'unchanged'),
                   coalesce(sum(x.bytes_before) filter (where x.outcome = 'replaced'), 0)::bigint, coalesce(sum(x.bytes_after) filter (where x.outcome = 'replaced'), 0)::bigint
            from model_backfills b left join model_backfill_outcomes x on x.backfill_fk = b.id
            where b.id = (select max(id) from model_backfills)
            group by b.id
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new ModelBackfill(
            reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4),
            reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.GetInt32(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9), reader.GetInt64(10));
    }

    public async Task<long> PendingAsync(int rule, string modelId, IReadOnlyList<string> modalities, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select count(*) from instances i join series s on s.id = i.series_fk where {Pending}");
        AddScope(command.Parameters, rule, modelId, modalities);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<ModelBackfill?> StartAsync(int rule, string modelId, IReadOnlyList<string> modalities, int batchSize, string startedBy, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await JobBatchQueuing.IsBatchOpenAsync("gateway-model-backfill", "model_backfills", ModelBackfillJobHandler.JobKind, transaction, cancellationToken).ConfigureAwait(false))
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }

        await using var queue = new NpgsqlCommand(
            $"""
            with b as (insert into model_backfills (rule_index, model_id, started_by) values (@rule, @model, @by) returning id, started_at),
                 q as (insert into jobs (kind, instance_fk)
                       select '{ModelBackfillJobHandler.JobKind}', i.id from instances i join series s on s.id = i.series_fk where {Pending} order by i.id limit @size
                       returning 1)
            select b.id, b.started_at, (select count(*) from q) from b
            """,
            connection,
            transaction);
        AddScope(queue.Parameters, rule, modelId, modalities);
        queue.Parameters.AddWithValue("by", startedBy);
        queue.Parameters.AddWithValue("size", batchSize);
        var batch = await JobBatchQueuing.QueueAsync(queue, "model_backfills", transaction, cancellationToken).ConfigureAwait(false);
        return batch is not { } b ? null : new ModelBackfill(b.Id, rule, modelId, startedBy, b.Started, null, b.Queued, 0, 0, 0, 0);
    }

    public async Task<IReadOnlyList<string>?> RecordReplacedAsync(
        long backfillId, long instanceId, string sourceKey, IReadOnlyList<string> currentKeys, CompressionOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(currentKeys);
        ArgumentNullException.ThrowIfNull(outcome);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // The instance row locked first (as the compress job's record does), then the outcome row: a second run, or an
        // instance whose objects changed since the job read them (a lifecycle move, a re-ingest), records nothing.
        await using (var record = new NpgsqlCommand(
            $"""
            with i as (select i.id, i.compression from instances i
                       where i.id = @id and i.state = 'compressed'
                         and exists (select 1 from objects o where o.instance_fk = i.id and o.object_key = @source and o.kind in ('original', 'lossless'))
                         and (select coalesce(array_agg(o.object_key order by o.object_key collate "C"), array[]::text[]) from objects o
                              where o.instance_fk = i.id and o.kind in {ReplacedKinds}) = @current::text[]
                       for update)
            insert into model_backfill_outcomes (backfill_fk, instance_fk, outcome, reason, from_representation, to_representation, bytes_before, bytes_after)
            select @backfill, i.id, 'replaced', @reason, i.compression, @kind, {CurrentBytes}, @after from i
            on conflict do nothing
            """,
            connection,
            transaction))
        {
            record.Parameters.AddWithValue("id", instanceId);
            record.Parameters.AddWithValue("source", sourceKey);
            record.Parameters.AddWithValue("current", currentKeys.Order(StringComparer.Ordinal).ToArray());
            record.Parameters.AddWithValue("backfill", backfillId);
            record.Parameters.AddWithValue("reason", outcome.Reason);
            record.Parameters.AddWithValue("kind", PostgresStates.Format(outcome.Replacement.Kind));
            record.Parameters.AddWithValue("after", outcome.Replacement.Stored.Size + (outcome.KeptLatent?.Stored.Size ?? 0));
            if (await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return null;
            }
        }

        var retired = new List<string>();
        await using (var delete = new NpgsqlCommand($"delete from objects where instance_fk = @id and kind in {ReplacedKinds} returning object_key", connection, transaction))
        {
            delete.Parameters.AddWithValue("id", instanceId);
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                retired.Add(reader.GetString(0));
            }
        }

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            ReplacementRows.Add(batch, instanceId, outcome);
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return retired;
    }

    public async Task RecordUnchangedAsync(long backfillId, long instanceId, string reason, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            insert into model_backfill_outcomes (backfill_fk, instance_fk, outcome, reason, from_representation, to_representation, bytes_before, bytes_after)
            select @backfill, i.id, 'unchanged', @reason, i.compression, i.compression, {CurrentBytes}, {CurrentBytes}
            from instances i where i.id = @id
            on conflict do nothing
            """);
        command.Parameters.AddWithValue("backfill", backfillId);
        command.Parameters.AddWithValue("id", instanceId);
        command.Parameters.AddWithValue("reason", reason);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddScope(NpgsqlParameterCollection parameters, int rule, string modelId, IReadOnlyList<string> modalities)
    {
        parameters.AddWithValue("rule", rule);
        parameters.AddWithValue("model", modelId);
        parameters.AddWithValue("modalities", modalities.Select(modality => modality.Trim().ToUpperInvariant()).ToArray());
    }
}
