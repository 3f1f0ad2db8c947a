using Gateway.Core.Archive;
using Gateway.Core.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Gateway.Infrastructure.Postgres;

/// <summary>
/// The archive index on PostgreSQL: the storage side of the two-phase write (see <see cref="IArchiveIndex"/>).
/// With <paramref name="enqueueCompression"/> every new instance also gets its compress job in the transaction
/// that makes it visible.
/// </summary>
public sealed class PostgresArchiveIndex(NpgsqlDataSource dataSource, string nodeName, bool enqueueCompression = false, TimeSpan jobDelay = default) : IArchiveIndex
{
    /// <summary>The channel NOTIFY wakes queue workers on.</summary>
    public const string JobsChannel = "gateway_jobs";

    public async Task<ReceiveTicket> BeginReceiveAsync(NewInstance instance, string objectKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var attributes = instance.Attributes;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            // Phase 1 commits without waiting for its WAL flush (synchronous_commit off for this transaction only, set
            // when the row is returned): losing a 'receiving' row in a crash costs nothing, as nothing was acknowledged
            // (the orphan sweep removes its object), and phase 2's synchronous commit flushes the WAL past this record
            // before the sender hears success.
            // The same statement reads the patient the study is stored under (if it is), for ingest to refuse an
            // instance of another patient.
            await using (var insert = new NpgsqlCommand(
                """
                with relaxed as (select set_config('synchronous_commit', 'off', true) as setting),
                study_patient as (select p.patient_id, p.issuer from studies s join patients p on p.id = s.patient_fk where s.study_instance_uid = @study)
                insert into instances (sop_instance_uid, sop_class_uid, study_instance_uid, series_instance_uid, instance_number,
                    state, transfer_syntax_uid, rows, columns, number_of_frames, header, series_header_fk, header_delta, content_sha256,
                    original_bytes, calling_ae, pending_object_key, receiving_node)
                values (@sop, @class, @study, @series, @number, 'receiving', @syntax, @rows, @columns, @frames, @header,
                    @seriesHeader, @headerDelta, @sha, @bytes, @ae, @key, @node)
                on conflict (sop_instance_uid) do nothing
                returning id, (select setting from relaxed), (select patient_id from study_patient), (select issuer from study_patient)
                """,
                connection))
            {
                insert.Parameters.AddWithValue("sop", attributes.SopInstanceUid);
                AddInstanceColumns(insert, instance);
                insert.Parameters.AddWithValue("key", objectKey);
                insert.Parameters.AddWithValue("node", nodeName);
                await using var inserted = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (await inserted.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return new ReceiveTicket(inserted.GetInt64(0), null, ReadPatient(inserted, 2));
                }
            }

            await using var existing = new NpgsqlCommand(
                """
                select i.id, i.state, i.content_sha256, p.patient_id, p.issuer from instances i
                left join studies s on s.study_instance_uid = @study
                left join patients p on p.id = s.patient_fk
                where i.sop_instance_uid = @sop
                """,
                connection);
            existing.Parameters.AddWithValue("sop", attributes.SopInstanceUid);
            existing.Parameters.AddWithValue("study", attributes.StudyInstanceUid);
            await using var reader = await existing.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return new ReceiveTicket(null, new ExistingInstance(reader.GetInt64(0), PostgresStates.Parse(reader.GetString(1)), reader.GetString(2)), ReadPatient(reader, 3));
            }

            // The conflicting row went away between the two statements (an abandoned receive): try again.
        }

        throw new InvalidOperationException($"Could not insert or find instance {attributes.SopInstanceUid}.");
    }

    public async Task CompleteReceiveAsync(long instanceId, NewInstance instance, StoredObject original, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(original);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // One round trip: the statements of a batch without a transaction run in one implicit transaction (one
        // Sync message), so they take effect together or not at all, like the explicit transaction they replace.
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(BatchCommand(
            HierarchyUpsert +
            """
            update instances set series_fk = (select id from series_row), state = 'stored', pending_object_key = null, receiving_node = null, updated_at = now()
            where id = @instance and state = 'receiving'
            """,
            [.. HierarchyParameters(instance.Attributes), ("instance", instanceId)]));
        AddOriginalAndJob(batch, instanceId, instance, original);
        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (IsStudyPatientConflict(exception))
        {
            throw new StudyPatientConflictException(await StudyPatientAsync(instance.Attributes.StudyInstanceUid, cancellationToken).ConfigureAwait(false), exception);
        }
    }

    public async Task AbandonReceiveAsync(long instanceId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "delete from instances where id = @id and state = 'receiving'", cancellationToken, ("id", instanceId)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ReplaceAsync(long instanceId, NewInstance instance, StoredObject original, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(original);
        var attributes = instance.Attributes;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        long seriesId;
        try
        {
            seriesId = await ScalarAsync(connection, transaction, HierarchyUpsert + "select id from series_row", cancellationToken, HierarchyParameters(attributes)).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (IsStudyPatientConflict(exception))
        {
            throw new StudyPatientConflictException(await StudyPatientAsync(attributes.StudyInstanceUid, cancellationToken).ConfigureAwait(false), exception);
        }

        await using (var update = new NpgsqlCommand(
            """
            update instances set series_fk = @seriesFk, sop_class_uid = @class, study_instance_uid = @study,
                series_instance_uid = @series, instance_number = @number, state = 'stored', transfer_syntax_uid = @syntax,
                rows = @rows, columns = @columns, number_of_frames = @frames, header = @header, series_header_fk = @seriesHeader, header_delta = @headerDelta, content_sha256 = @sha,
                original_bytes = @bytes, calling_ae = @ae, compression = null, psnr = null, ssim = null, compressed_at = null,
                updated_at = now()
            where id = @id
            """,
            connection,
            transaction))
        {
            update.Parameters.AddWithValue("seriesFk", seriesId);
            AddInstanceColumns(update, instance);
            update.Parameters.AddWithValue("id", instanceId);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var retired = new List<string>();
        await using (var delete = new NpgsqlCommand("delete from objects where instance_fk = @id returning object_key", connection, transaction))
        {
            delete.Parameters.AddWithValue("id", instanceId);
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                retired.Add(reader.GetString(0));
            }
        }

        await ExecuteAsync(connection, transaction, "delete from jobs where instance_fk = @id and state in ('queued', 'failed')", cancellationToken, ("id", instanceId)).ConfigureAwait(false);
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            AddOriginalAndJob(batch, instanceId, instance, original);
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return retired;
    }

    public async Task<IReadOnlyList<AbandonedReceive>> ListAbandonedReceivesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // Every receiving row names its node (the insert sets it, storing clears it): the condition lets the partial
        // index instances_receiving (migration 0019) find them.
        await using var select = new NpgsqlCommand(
            """
            select id, pending_object_key from instances
            where state = 'receiving' and receiving_node is not null and (receiving_node = @node or received_at < now() - interval '1 hour')
            """,
            connection);
        select.Parameters.AddWithValue("node", nodeName);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var abandoned = new List<AbandonedReceive>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            abandoned.Add(new AbandonedReceive(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return abandoned;
    }

    public async Task<bool> IsReferencedAsync(string objectKey, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var select = new NpgsqlCommand("select exists (select 1 from objects where object_key = @key)", connection);
        select.Parameters.AddWithValue("key", objectKey);
        return (bool)(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// Inserts or updates patient, study and series (the latest non-empty values win), as common table expressions
    /// a statement appended to this can use: <c>series_row</c> holds the series id. A study keeps the patient it was
    /// first stored under: for an instance of another patient <c>study_row</c> is empty and the series statement
    /// fails on its not-null study_fk (<see cref="IsStudyPatientConflict"/>), changing nothing.
    /// </summary>
    private const string HierarchyUpsert =
        """
        with patient_row as (
            insert into patients (patient_id, issuer, patient_name, birth_date, sex) values (@patientId, @issuer, @patientName, @birth, @sex)
            on conflict (patient_id, issuer) do update set
                patient_name = coalesce(excluded.patient_name, patients.patient_name),
                birth_date = coalesce(excluded.birth_date, patients.birth_date),
                sex = coalesce(excluded.sex, patients.sex)
            returning id),
        study_row as (
            insert into studies (patient_fk, study_instance_uid, study_date, study_time, accession_number, study_id, study_description, referring_physician_name)
            values ((select id from patient_row), @studyUid, @studyDate, @studyTime, @accession, @studyId, @studyDescription, @referring)
            on conflict (study_instance_uid) do update set
                study_date = coalesce(excluded.study_date, studies.study_date),
                study_time = coalesce(excluded.study_time, studies.study_time),
                accession_number = coalesce(excluded.accession_number, studies.accession_number),
                study_id = coalesce(excluded.study_id, studies.study_id),
                study_description = coalesce(excluded.study_description, studies.study_description),
                referring_physician_name = coalesce(excluded.referring_physician_name, studies.referring_physician_name),
                updated_at = now()
            where studies.patient_fk = excluded.patient_fk
            returning id),
        series_row as (
            insert into series (study_fk, series_instance_uid, modality, series_number, series_description, body_part_examined, series_date, series_time)
            values ((select id from study_row), @seriesUid, @modality, @seriesNumber, @seriesDescription, @bodyPart, @seriesDate, @seriesTime)
            on conflict (series_instance_uid) do update set
                study_fk = excluded.study_fk,
                modality = coalesce(excluded.modality, series.modality),
                series_number = coalesce(excluded.series_number, series.series_number),
                series_description = coalesce(excluded.series_description, series.series_description),
                body_part_examined = coalesce(excluded.body_part_examined, series.body_part_examined),
                series_date = coalesce(excluded.series_date, series.series_date),
                series_time = coalesce(excluded.series_time, series.series_time)
            returning id)

        """;

    /// <summary>The hierarchy upsert found the study stored under another patient (see <see cref="HierarchyUpsert"/>).</summary>
    private static bool IsStudyPatientConflict(PostgresException exception) =>
        exception.SqlState == PostgresErrorCodes.NotNullViolation && exception.TableName == "series" && exception.ColumnName == "study_fk";

    private async Task<PatientIdentity?> StudyPatientAsync(string studyInstanceUid, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "select p.patient_id, p.issuer from studies s join patients p on p.id = s.patient_fk where s.study_instance_uid = @study");
        command.Parameters.AddWithValue("study", studyInstanceUid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadPatient(reader, 0) : null;
    }

    /// <summary>Patient ID and issuer at columns <paramref name="first"/> and the next; null when the study is not stored.</summary>
    private static PatientIdentity? ReadPatient(NpgsqlDataReader reader, int first) =>
        reader.IsDBNull(first) ? null : new PatientIdentity(reader.GetString(first), reader.GetString(first + 1));

    /// <summary>The instance columns an insert and a replacement both write, as @class, @study, @series, @number, @syntax, @rows, @columns, @frames, @header, @seriesHeader, @headerDelta, @sha, @bytes, @ae.</summary>
    private static void AddInstanceColumns(NpgsqlCommand command, NewInstance instance)
    {
        var attributes = instance.Attributes;
        command.Parameters.AddWithValue("class", attributes.SopClassUid);
        command.Parameters.AddWithValue("study", attributes.StudyInstanceUid);
        command.Parameters.AddWithValue("series", attributes.SeriesInstanceUid);
        command.Parameters.AddWithValue("number", (object?)attributes.InstanceNumber ?? DBNull.Value);
        command.Parameters.AddWithValue("syntax", instance.TransferSyntaxUid);
        command.Parameters.AddWithValue("rows", (object?)attributes.Rows ?? DBNull.Value);
        command.Parameters.AddWithValue("columns", (object?)attributes.Columns ?? DBNull.Value);
        command.Parameters.AddWithValue("frames", (object?)attributes.NumberOfFrames ?? DBNull.Value);
        command.Parameters.Add(new NpgsqlParameter("header", NpgsqlDbType.Json) { Value = (object?)instance.Header.Json ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("seriesHeader", NpgsqlDbType.Bigint) { Value = (object?)instance.Header.SeriesHeaderId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("headerDelta", NpgsqlDbType.Bytea) { Value = (object?)instance.Header.Delta ?? DBNull.Value });
        command.Parameters.AddWithValue("sha", instance.ContentSha256);
        command.Parameters.AddWithValue("bytes", instance.OriginalPixelBytes);
        command.Parameters.AddWithValue("ae", (object?)instance.CallingAE ?? DBNull.Value);
    }

    private static (string Name, object? Value)[] HierarchyParameters(InstanceAttributes attributes) =>
    [
        ("patientId", attributes.PatientId),
        ("issuer", attributes.IssuerOfPatientId),
        ("patientName", attributes.PatientName),
        ("birth", attributes.PatientBirthDate),
        ("sex", attributes.PatientSex),
        ("studyUid", attributes.StudyInstanceUid),
        ("studyDate", attributes.StudyDate),
        ("studyTime", attributes.StudyTime),
        ("accession", attributes.AccessionNumber),
        ("studyId", attributes.StudyId),
        ("studyDescription", attributes.StudyDescription),
        ("referring", attributes.ReferringPhysicianName),
        ("seriesUid", attributes.SeriesInstanceUid),
        ("modality", attributes.Modality),
        ("seriesNumber", attributes.SeriesNumber),
        ("seriesDescription", attributes.SeriesDescription),
        ("bodyPart", attributes.BodyPartExamined),
        ("seriesDate", attributes.SeriesDate),
        ("seriesTime", attributes.SeriesTime),
    ];

    /// <summary>Adds to <paramref name="batch"/>: the original's object row, its verify (and compress) job, and the NOTIFY that wakes a worker.</summary>
    private void AddOriginalAndJob(NpgsqlBatch batch, long instanceId, NewInstance instance, StoredObject original)
    {
        batch.BatchCommands.Add(BatchCommand(
            """
            insert into objects (instance_fk, kind, object_key, codec, size_bytes, sha256)
            values (@id, 'original', @key, @codec, @size, @sha)
            """,
            [("id", instanceId), ("key", original.Key), ("codec", instance.TransferSyntaxUid), ("size", original.Size), ("sha", original.Sha256)]));
        // The jobs become due after the delay: background work waits until a burst of ingest has passed.
        batch.BatchCommands.Add(BatchCommand(
            enqueueCompression
                ? "insert into jobs (kind, instance_fk, run_after) values ('verify', @id, now() + @delay), ('compress', @id, now() + @delay)"
                : "insert into jobs (kind, instance_fk, run_after) values ('verify', @id, now() + @delay)",
            [("id", instanceId), ("delay", jobDelay)]));
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"notify {JobsChannel}"));
    }

    private static NpgsqlBatchCommand BatchCommand(string sql, (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
