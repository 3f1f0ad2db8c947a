using Gateway.Core.Archive;
using Npgsql;

namespace Gateway.Infrastructure.Postgres;

/// <summary>
/// Deletes instances in one transaction: the study row is locked first (ingest's hierarchy upsert takes the same
/// lock, so no instance joins a series being removed), then the instances (objects and jobs go with them by
/// cascade), then the series latents, series headers, series, study and patient that nothing references any more.
/// A series latent outlives a deleted member while another member still serves from it (the deleted slice stays
/// inside the shared, immutable latent until its last member is deleted). Rows still
/// receiving are left alone: their sender has not been answered yet.
/// </summary>
public sealed class PostgresArchiveDeletion(NpgsqlDataSource dataSource) : IArchiveDeletion
{
    public async Task<DeletionResult> DeleteAsync(DeletionScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockStudy = new NpgsqlCommand("select id from studies where study_instance_uid = @study for update", connection, transaction))
        {
            lockStudy.Parameters.AddWithValue("study", scope.StudyInstanceUid);
            if (await lockStudy.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                return new DeletionResult(0, []);
            }
        }

        // Lock the instances first; the next statements see what committed while this one waited (a compress job
        // recording its replacement holds the same row lock), so no object row is missed.
        var ids = new List<long>();
        await using (var select = new NpgsqlCommand(
            """
            select id from instances
            where study_instance_uid = @study and state <> 'receiving'
              and (@series::text is null or series_instance_uid = @series)
              and (@instance::text is null or sop_instance_uid = @instance)
            for update
            """,
            connection,
            transaction))
        {
            select.Parameters.AddWithValue("study", scope.StudyInstanceUid);
            select.Parameters.AddWithValue("series", (object?)scope.SeriesInstanceUid ?? DBNull.Value);
            select.Parameters.AddWithValue("instance", (object?)scope.SopInstanceUid ?? DBNull.Value);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        var objects = new List<DeletedObject>();
        await using (var held = new NpgsqlCommand(
            "select i.sop_instance_uid, o.object_key, o.sha256 from objects o join instances i on i.id = o.instance_fk where i.id = any(@ids)", connection, transaction))
        {
            held.Parameters.AddWithValue("ids", ids.ToArray());
            await using var reader = await held.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                objects.Add(new DeletedObject(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        // Slices of a series latent: their reconstructions leave the cache; the shared object only with its last member.
        var latents = new List<long>();
        await using (var slices = new NpgsqlCommand(
            "select i.sop_instance_uid, sl.object_key, sl.sha256, sl.id from instances i join series_latents sl on sl.id = i.series_latent_id where i.id = any(@ids)",
            connection,
            transaction))
        {
            slices.Parameters.AddWithValue("ids", ids.ToArray());
            await using var reader = await slices.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                objects.Add(new DeletedObject(reader.GetString(0), reader.GetString(1), reader.GetString(2)) { Shared = true });
                latents.Add(reader.GetInt64(3));
            }
        }

        // Their objects and jobs go with them (on delete cascade).
        await using (var delete = new NpgsqlCommand("delete from instances where id = any(@ids)", connection, transaction))
        {
            delete.Parameters.AddWithValue("ids", ids.ToArray());
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var unreferenced = new NpgsqlCommand(
            """
            delete from series_latents sl where sl.id = any(@latents) and not exists (select 1 from instances i where i.series_latent_id = sl.id)
            returning sl.object_key, sl.sha256, (select s.series_instance_uid from series s where s.id = sl.series_fk)
            """,
            connection,
            transaction))
        {
            unreferenced.Parameters.AddWithValue("latents", latents.Distinct().ToArray());
            await using var reader = await unreferenced.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                objects.Add(new DeletedObject(reader.GetString(2), reader.GetString(0), reader.GetString(1)));
            }
        }

        await using (var tidy = new NpgsqlCommand(
            """
            delete from series_headers h
            where not exists (select 1 from instances i where i.series_header_fk = h.id)
              and h.series_instance_uid in (select series_instance_uid from series s join studies st on st.id = s.study_fk where st.study_instance_uid = @study);
            delete from series s using studies st
            where st.id = s.study_fk and st.study_instance_uid = @study
              and not exists (select 1 from instances i where i.series_fk = s.id or (i.series_fk is null and i.series_instance_uid = s.series_instance_uid));
            with study_row as (
                delete from studies st where st.study_instance_uid = @study and not exists (select 1 from series s where s.study_fk = st.id)
                  and not exists (select 1 from instances i where i.study_instance_uid = st.study_instance_uid)
                returning patient_fk)
            delete from patients p using study_row where p.id = study_row.patient_fk
              and not exists (select 1 from studies other where other.patient_fk = p.id and other.study_instance_uid <> @study);
            """,
            connection,
            transaction))
        {
            tidy.Parameters.AddWithValue("study", scope.StudyInstanceUid);
            await tidy.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new DeletionResult(ids.Count, objects);
    }
}
