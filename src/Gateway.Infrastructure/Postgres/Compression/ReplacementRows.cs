using Gateway.Core.Compression;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Compression;

/// <summary>
/// The rows of a re-encode (a lifecycle move, a backfill) once the old objects' rows are gone: the outcome's
/// replacement and kept AI latent as the instance's objects, and its representation, quality and candidates on the
/// instance row (state compressed; the time it was first compressed kept).
/// </summary>
internal static class ReplacementRows
{
    public static void Add(NpgsqlBatch batch, long instanceId, CompressionOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(outcome);
        foreach (var stored in new[] { outcome.Replacement, outcome.KeptLatent })
        {
            if (stored is null)
            {
                continue;
            }

            var insert = new NpgsqlBatchCommand(
                "insert into objects (instance_fk, kind, object_key, codec, size_bytes, sha256, model_id) values (@id, @kind, @key, @codec, @size, @sha, @model)");
            insert.Parameters.AddWithValue("id", instanceId);
            insert.Parameters.AddWithValue("kind", PostgresStates.Format(stored.Kind));
            insert.Parameters.AddWithValue("key", stored.Stored.Key);
            insert.Parameters.AddWithValue("codec", stored.Codec);
            insert.Parameters.AddWithValue("size", stored.Stored.Size);
            insert.Parameters.AddWithValue("sha", stored.Stored.Sha256);
            insert.Parameters.AddWithValue("model", (object?)stored.ModelId ?? DBNull.Value);
            batch.BatchCommands.Add(insert);
        }

        var quality = outcome.Quality;
        var update = new NpgsqlBatchCommand(
            """
            update instances set state = 'compressed', compression = @kind, psnr = @psnr, ssim = @ssim, max_abs_error = @error,
                compression_candidates = @candidates, compressed_at = coalesce(compressed_at, now()), updated_at = now()
            where id = @id
            """);
        update.Parameters.AddWithValue("id", instanceId);
        update.Parameters.AddWithValue("kind", PostgresStates.Format(outcome.Replacement.Kind));
        update.Parameters.AddWithValue("psnr", quality?.Psnr is { } psnr && double.IsFinite(psnr) ? psnr : DBNull.Value);
        update.Parameters.AddWithValue("ssim", quality?.Ssim is { } ssim && double.IsFinite(ssim) ? ssim : DBNull.Value);
        update.Parameters.AddWithValue("error", quality?.MaxAbsError is { } error ? error : DBNull.Value);
        update.Parameters.Add(new NpgsqlParameter("candidates", NpgsqlTypes.NpgsqlDbType.Json) { Value = CandidatesJson.Write(outcome) });
        batch.BatchCommands.Add(update);
    }
}
