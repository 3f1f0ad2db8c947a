using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Jobs;
using Gateway.Core.Storage;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Compression;

/// <summary>The compress and retire-original jobs' reads and writes on the archive index (migrations/0004_compression.sql).</summary>
public sealed class PostgresCompressionIndex(NpgsqlDataSource dataSource) : ICompressionIndex
{
    public async Task<IReadOnlyList<long>> SampleRetainedAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            select i.id from instances i
            where i.state = 'compressed' and exists (select 1 from objects o where o.instance_fk = i.id and o.kind in ('original', 'lossless'))
            order by i.id limit @limit
            """);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<long>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    public async Task<CompressionCandidate?> LoadAsync(long instanceId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            select i.sop_instance_uid, i.sop_class_uid, s.modality, i.calling_ae, s.body_part_examined, i.compression,
                   o.kind, o.object_key, o.codec, o.size_bytes, o.sha256, o.model_id
            from instances i
            left join series s on s.id = i.series_fk
            left join objects o on o.instance_fk = i.id
            where i.id = @id and i.state <> 'receiving'
            order by o.id
            """);
        command.Parameters.AddWithValue("id", instanceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        CompressionCandidate? candidate = null;
        var found = new List<ArchivedObject>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            candidate ??= new CompressionCandidate(
                instanceId,
                reader.GetString(0),
                reader.GetString(1),
                NullableString(reader, 2),
                NullableString(reader, 3),
                NullableString(reader, 4),
                NullableString(reader, 5),
                found);
            if (!reader.IsDBNull(6))
            {
                found.Add(new ArchivedObject(
                    PostgresStates.ParseKind(reader.GetString(6)), reader.GetString(7), reader.GetString(8), reader.GetInt64(9), reader.GetString(10), NullableString(reader, 11)));
            }
        }

        return candidate;
    }

    public async Task<bool> RecordReplacementAsync(long instanceId, string originalKey, CompressionOutcome outcome, TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var (replacement, quality) = (outcome.Replacement, outcome.Quality);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // The instance row is locked first, so a concurrent replacement of its content (ingest, duplicate policy
        // Replace) either finished before (and the original key is gone) or waits for this commit.
        await using (var guard = new NpgsqlCommand(
            """
            select 1 from instances i
            where i.id = @id and i.state = 'stored' and i.compression is null
              and exists (select 1 from objects o where o.instance_fk = i.id and o.kind = 'original' and o.object_key = @original)
              and not exists (select 1 from objects o where o.instance_fk = i.id and o.kind <> 'original')
            for update
            """,
            connection,
            transaction))
        {
            guard.Parameters.AddWithValue("id", instanceId);
            guard.Parameters.AddWithValue("original", originalKey);
            if (await guard.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return false;
            }
        }

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Command(
                """
                insert into objects (instance_fk, kind, object_key, codec, size_bytes, sha256, model_id)
                values (@id, @kind, @key, @codec, @size, @sha, @model)
                """,
                ("id", instanceId),
                ("kind", PostgresStates.Format(replacement.Kind)),
                ("key", replacement.Stored.Key),
                ("codec", replacement.Codec),
                ("size", replacement.Stored.Size),
                ("sha", replacement.Stored.Sha256),
                ("model", replacement.ModelId)));
            if (outcome.KeptLatent is { } kept)
            {
                batch.BatchCommands.Add(Command(
                    """
                    insert into objects (instance_fk, kind, object_key, codec, size_bytes, sha256, model_id)
                    values (@id, @kind, @key, @codec, @size, @sha, @model)
                    """,
                    ("id", instanceId),
                    ("kind", PostgresStates.Format(kept.Kind)),
                    ("key", kept.Stored.Key),
                    ("codec", kept.Codec),
                    ("size", kept.Stored.Size),
                    ("sha", kept.Stored.Sha256),
                    ("model", kept.ModelId)));
            }

            var candidates = new NpgsqlBatchCommand(
                """
                update instances set state = 'compressed', compression = @kind, psnr = @psnr, ssim = @ssim, max_abs_error = @error,
                    compression_candidates = @candidates, compressed_at = now(), updated_at = now()
                where id = @id
                """);
            candidates.Parameters.AddWithValue("id", instanceId);
            candidates.Parameters.AddWithValue("kind", PostgresStates.Format(replacement.Kind));
            candidates.Parameters.AddWithValue("psnr", Finite(quality?.Psnr) is { } psnr ? psnr : DBNull.Value);
            candidates.Parameters.AddWithValue("ssim", Finite(quality?.Ssim) is { } ssim ? ssim : DBNull.Value);
            candidates.Parameters.AddWithValue("error", quality?.MaxAbsError is { } error ? error : DBNull.Value);
            candidates.Parameters.Add(new NpgsqlParameter("candidates", NpgsqlTypes.NpgsqlDbType.Json) { Value = CandidatesJson.Write(outcome) });
            batch.BatchCommands.Add(candidates);
            batch.BatchCommands.Add(Command(
                "insert into jobs (kind, instance_fk, run_after) values (@job, @id, now() + @retention)",
                ("job", RetireOriginalJobHandler.JobKind),
                ("id", instanceId),
                ("retention", retention)));
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"notify {PostgresArchiveIndex.JobsChannel}"));
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task RecordKeptAsync(long instanceId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "update instances set compression = 'kept', compressed_at = now(), updated_at = now() where id = @id and compression is null and state = 'stored'");
        command.Parameters.AddWithValue("id", instanceId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> RetireOriginalAsync(long instanceId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            delete from objects o
            where o.instance_fk = @id and o.kind = 'original'
              and exists (select 1 from instances i where i.id = o.instance_fk and i.state = 'compressed')
              and (exists (select 1 from objects r where r.instance_fk = o.instance_fk and r.kind in ('lossless', 'latent', 'j2k-lossy', 'latent+residual'))
                or exists (select 1 from instances s join series_latents sl on sl.id = s.series_latent_id where s.id = o.instance_fk))
            returning o.object_key
            """);
        command.Parameters.AddWithValue("id", instanceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    /// <summary>A measure PostgreSQL can hold as a number: an identical reconstruction's infinite PSNR is recorded as null.</summary>
    private static double? Finite(double? value) => value is { } number && double.IsFinite(number) ? number : null;

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
