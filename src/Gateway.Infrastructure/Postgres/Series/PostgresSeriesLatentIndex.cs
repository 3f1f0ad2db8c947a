using Gateway.Core.Archive;
using Gateway.Core.Jobs;
using Gateway.Core.Series;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Series;

/// <summary>The series job's reads and writes on the archive index (migrations/0013_series_latents.sql).</summary>
public sealed class PostgresSeriesLatentIndex(NpgsqlDataSource dataSource) : ISeriesLatentIndex
{
    /// <summary>
    /// Pushes the series' queued series job back to @due, or queues one (parameters @kind, @series, @due). Two
    /// callers at once may queue two: harmless, one series job runs at a time and the second finds nothing pending.
    /// </summary>
    private const string Schedule =
        $"""
        with moved as (
            update jobs set run_after = greatest(run_after, @due)
            where kind = @kind and series_fk = @series and state = 'queued'
            returning id)
        insert into jobs (kind, series_fk, run_after)
        select @kind, @series, @due where not exists (select 1 from moved);
        notify {PostgresArchiveIndex.JobsChannel};
        """;

    public async Task ScheduleAsync(long instanceId, TimeSpan quiet, CancellationToken cancellationToken)
    {
        // The reader is disposed once, before the next command: Npgsql reuses one reader object per physical
        // connection, so disposing it again after its connection went back to the pool would close another
        // command's reader (the protocol desync behind "Index was out of range" in a worker's claim).
        long series;
        DateTimeOffset due;
        await using (var lookup = dataSource.CreateCommand("select series_fk, now() + @quiet from instances where id = @id"))
        {
            lookup.Parameters.AddWithValue("id", instanceId);
            lookup.Parameters.AddWithValue("quiet", quiet);
            await using var reader = await lookup.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.IsDBNull(0))
            {
                return;
            }

            (series, due) = (reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1));
        }

        await ScheduleSeriesAsync(series, due, cancellationToken).ConfigureAwait(false);
    }

    public async Task ScheduleSeriesAsync(long seriesId, DateTimeOffset due, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Schedule);
        command.Parameters.AddWithValue("kind", SeriesJobHandler.JobKind);
        command.Parameters.AddWithValue("series", seriesId);
        command.Parameters.AddWithValue("due", due.UtcDateTime);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IAsyncDisposable?> TryHoldAsync(long seriesId, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = new NpgsqlCommand($"select pg_try_advisory_lock({HoldKey})", connection);
            command.Parameters.AddWithValue("id", seriesId);
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return new SeriesHold(connection, seriesId);
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    public async Task<SeriesMembers?> LoadAsync(long seriesId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            select s.series_instance_uid, s.modality, s.body_part_examined,
                   exists (select 1 from series_latents sl where sl.series_fk = s.id),
                   (select max(received_at) from instances i where i.series_fk = s.id),
                   i.id, i.sop_instance_uid, i.sop_class_uid, i.calling_ae, i.compression, i.state,
                   o.object_key, o.codec, o.size_bytes, o.sha256
            from series s
            left join instances i on i.series_fk = s.id and i.state <> 'receiving'
            left join objects o on o.instance_fk = i.id and o.kind = 'original'
            where s.id = @id
            order by i.id
            """);
        command.Parameters.AddWithValue("id", seriesId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        SeriesMembers? series = null;
        var members = new List<SeriesMember>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            series ??= new SeriesMembers(
                seriesId,
                reader.GetString(0),
                Text(reader, 1),
                Text(reader, 2),
                reader.IsDBNull(4) ? DateTimeOffset.MinValue : reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetBoolean(3),
                members);
            if (reader.IsDBNull(5))
            {
                continue;
            }

            var original = reader.IsDBNull(11)
                ? null
                : new ArchivedObject(StorageKind.Original, reader.GetString(11), reader.GetString(12), reader.GetInt64(13), reader.GetString(14), null);
            // A compressed instance always has an outcome; 'stored' without one is pending.
            var compression = Text(reader, 9) ?? (reader.GetString(10) == "stored" ? null : reader.GetString(10));
            members.Add(new SeriesMember(reader.GetInt64(5), reader.GetString(6), reader.GetString(7), Text(reader, 8), compression, original));
        }

        return series;
    }

    public async Task<bool> RecordAsync(SeriesLatentRecord record, TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var ids = record.Serving.Select(slice => slice.InstanceId).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // The instance rows are locked first, as the compress job's record does: a concurrent replacement of an
        // instance's content either finished before (and its original key is gone) or waits for this commit.
        var pending = new Dictionary<long, string>();
        await using (var guard = new NpgsqlCommand(
            """
            select i.id, o.object_key from instances i join objects o on o.instance_fk = i.id and o.kind = 'original'
            where i.id = any(@ids) and i.state = 'stored' and i.compression is null and i.series_latent_id is null
              and not exists (select 1 from objects r where r.instance_fk = i.id and r.kind <> 'original')
            for update of i
            """,
            connection,
            transaction))
        {
            guard.Parameters.AddWithValue("ids", ids);
            await using var reader = await guard.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                pending[reader.GetInt64(0)] = reader.GetString(1);
            }
        }

        if (record.Serving.Any(slice => !pending.TryGetValue(slice.InstanceId, out var key) || key != slice.OriginalKey))
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        // A 3D model is registered when it first makes a series latent (start-up registers the 2D models).
        var model = record.Model;
        await using (var register = new NpgsqlCommand(
            """
            insert into models (id, sha256, factor, channels, card_psnr) values (@model, @modelSha, @factor, @channels, @card)
            on conflict (id) do update set last_seen = now()
            """,
            connection,
            transaction))
        {
            register.Parameters.AddWithValue("model", model.Id);
            register.Parameters.AddWithValue("modelSha", model.Sha256);
            register.Parameters.AddWithValue("factor", model.Factor);
            register.Parameters.AddWithValue("channels", model.LatentChannels);
            register.Parameters.AddWithValue("card", double.IsFinite(model.CardPsnr) ? model.CardPsnr : DBNull.Value);
            await register.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long latentId;
        await using (var insert = new NpgsqlCommand(
            """
            insert into series_latents (series_fk, object_key, model_id, model_sha256, slices, rows, columns, size_bytes, sha256, slice_uids)
            values (@series, @key, @model, @modelSha, @slices, @rows, @columns, @size, @sha, @uids)
            returning id
            """,
            connection,
            transaction))
        {
            insert.Parameters.AddWithValue("model", model.Id);
            insert.Parameters.AddWithValue("modelSha", model.Sha256);
            insert.Parameters.AddWithValue("series", record.SeriesId);
            insert.Parameters.AddWithValue("key", record.Stored.Key);
            insert.Parameters.AddWithValue("slices", record.SliceOrder.Count);
            insert.Parameters.AddWithValue("rows", record.Rows);
            insert.Parameters.AddWithValue("columns", record.Columns);
            insert.Parameters.AddWithValue("size", record.Stored.Size);
            insert.Parameters.AddWithValue("sha", record.Stored.Sha256);
            insert.Parameters.AddWithValue("uids", record.SliceOrder.ToArray());
            latentId = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var slice in record.Serving)
            {
                var update = new NpgsqlBatchCommand(
                    """
                    update instances set state = 'compressed', compression = 'latent3d', series_latent_id = @latent, slice_index = @slice,
                        psnr = @psnr, ssim = @ssim, max_abs_error = @error, compressed_at = now(), updated_at = now()
                    where id = @id
                    """);
                update.Parameters.AddWithValue("id", slice.InstanceId);
                update.Parameters.AddWithValue("latent", latentId);
                update.Parameters.AddWithValue("slice", slice.SliceIndex);
                update.Parameters.AddWithValue("psnr", double.IsFinite(slice.Quality.Psnr) ? slice.Quality.Psnr : DBNull.Value);
                update.Parameters.AddWithValue("ssim", double.IsFinite(slice.Quality.Ssim) ? slice.Quality.Ssim : DBNull.Value);
                update.Parameters.AddWithValue("error", slice.Quality.MaxAbsError is { } error ? error : DBNull.Value);
                batch.BatchCommands.Add(update);
            }

            var retire = new NpgsqlBatchCommand("insert into jobs (kind, instance_fk, run_after) select @job, unnest(@ids), now() + @retention");
            retire.Parameters.AddWithValue("job", RetireOriginalJobHandler.JobKind);
            retire.Parameters.AddWithValue("ids", ids);
            retire.Parameters.AddWithValue("retention", retention);
            batch.BatchCommands.Add(retire);
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"notify {PostgresArchiveIndex.JobsChannel}"));
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task EnqueueTwoDimensionalAsync(IReadOnlyList<long> instanceIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        if (instanceIds.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand(
            $"insert into jobs (kind, instance_fk) select @kind, unnest(@ids); notify {PostgresArchiveIndex.JobsChannel};");
        command.Parameters.AddWithValue("kind", CompressJobHandler.TwoDimensionalJobKind);
        command.Parameters.AddWithValue("ids", instanceIds.ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The advisory lock key of a series job (parameter @id: the series row).</summary>
    private const string HoldKey = "hashtextextended('gateway series job ' || @id, 0)";

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>
    /// A held series: the session that holds its advisory lock. Disposing unlocks before the connection goes back to
    /// the pool (a pooled session would keep the lock); a process that dies ends the session and the lock with it.
    /// </summary>
    private sealed class SeriesHold(NpgsqlConnection connection, long seriesId) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand($"select pg_advisory_unlock({HoldKey})", connection);
                command.Parameters.AddWithValue("id", seriesId);
                await command.ExecuteScalarAsync(CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
