using Gateway.Core.Archive;
using Npgsql;

namespace Gateway.Infrastructure.Postgres;

/// <summary>
/// Deletes instances in one transaction: the study row is locked first (ingest's hierarchy upsert takes the same
/// lock, so no instance joins a series being removed), then the instances (objects and jobs go with them by
/// cascade), then the series headers, series, study and patient that nothing references any more. Rows still
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

        var objects = new List<DeletedObject>();
        var instances = 0;
        await using (var delete = new NpgsqlCommand(
            """
            with doomed as (
                select id, sop_instance_uid from instances
                where study_instance_uid = @study and state <> 'receiving'
                  and (@series::text is null or series_instance_uid = @series)
                  and (@instance::text is null or sop_instance_uid = @instance)
                for update),
            held as (
                select d.sop_instance_uid, o.object_key, o.sha256 from objects o join doomed d on d.id = o.instance_fk),
            gone as (
                delete from instances i using doomed d where i.id = d.id returning i.id)
            select sop_instance_uid, object_key, sha256 from held
            union all
            select null, null, null from gone
            """,
            connection,
            transaction))
        {
            delete.Parameters.AddWithValue("study", scope.StudyInstanceUid);
            delete.Parameters.AddWithValue("series", (object?)scope.SeriesInstanceUid ?? DBNull.Value);
            delete.Parameters.AddWithValue("instance", (object?)scope.SopInstanceUid ?? DBNull.Value);
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (reader.IsDBNull(1))
                {
                    instances++;
                }
                else
                {
                    objects.Add(new DeletedObject(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
                }
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
        return new DeletionResult(instances, objects);
    }
}
