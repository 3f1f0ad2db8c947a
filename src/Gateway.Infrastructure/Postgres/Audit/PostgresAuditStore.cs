using System.Text;
using Gateway.Core.Audit;
using Npgsql;

namespace Gateway.Infrastructure.Postgres.Audit;

/// <summary>The audit trail in the audit_events table (migration 0011), which refuses updates and deletes.</summary>
public sealed class PostgresAuditStore(NpgsqlDataSource dataSource) : IAuditStore
{
    private const string Columns = "id, at, action, outcome, actor_kind, actor_id, actor_name, client_address, study_instance_uid, series_instance_uid, sop_instance_uid, detail";

    public async Task AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        await using var batch = dataSource.CreateBatch();
        foreach (var audit in events)
        {
            var command = new NpgsqlBatchCommand(
                "insert into audit_events (at, action, outcome, actor_kind, actor_id, actor_name, client_address, study_instance_uid, series_instance_uid, sop_instance_uid, detail) " +
                "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
            command.Parameters.Add(new NpgsqlParameter { Value = audit.At });
            command.Parameters.Add(new NpgsqlParameter { Value = audit.Action });
            command.Parameters.Add(new NpgsqlParameter { Value = (short)audit.Outcome });
            command.Parameters.Add(new NpgsqlParameter { Value = audit.Actor.Kind });
            command.Parameters.Add(Text(audit.Actor.Id));
            command.Parameters.Add(Text(audit.Actor.Name));
            command.Parameters.Add(Text(audit.Actor.Address));
            command.Parameters.Add(Text(audit.StudyInstanceUid));
            command.Parameters.Add(Text(audit.SeriesInstanceUid));
            command.Parameters.Add(Text(audit.SopInstanceUid));
            command.Parameters.Add(Text(audit.Detail is { Length: > AuditEvent.MaxDetailLength } detail ? detail[..AuditEvent.MaxDetailLength] : audit.Detail));
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoredAuditEvent>> FindAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var command = dataSource.CreateCommand();
        var where = new StringBuilder();
        void Filter(string condition, string name, object? value)
        {
            if (value is not null)
            {
                where.Append(where.Length == 0 ? " where " : " and ").Append(condition);
                command.Parameters.AddWithValue(name, value);
            }
        }

        Filter("action = @action", "action", query.Action);
        Filter("actor_id = @actor", "actor", query.ActorId);
        Filter("study_instance_uid = @study", "study", query.StudyInstanceUid);
        Filter("at >= @from", "from", query.From);
        Filter("at < @to", "to", query.To);
        Filter("id < @before", "before", query.Before);
        command.CommandText = $"select {Columns} from audit_events{where} order by id desc limit @limit";
        command.Parameters.AddWithValue("limit", query.Limit);

        var found = new List<StoredAuditEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string? Optional(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
            found.Add(new StoredAuditEvent(reader.GetInt64(0), new AuditEvent(
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetString(2),
                (AuditOutcome)reader.GetInt16(3),
                new AuditActor(reader.GetString(4), Optional(5), Optional(6), Optional(7)),
                Optional(8),
                Optional(9),
                Optional(10),
                Optional(11))));
        }

        return found;
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text };
}
