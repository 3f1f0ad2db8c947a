namespace Gateway.Server.Tests.Audit;

/// <summary>One row of audit_events as a test reads it straight from the gateway's database.</summary>
internal sealed record AuditRow(
    long Id, DateTimeOffset At, string Action, int Outcome, string ActorKind, string? ActorId, string? ActorName, string? Address, string? Study, string? Series, string? Sop, string? Detail);

/// <summary>Reads the audit trail; the gateway writes it from a queue, so reads wait for the rows a test expects.</summary>
internal static class AuditRows
{
    /// <summary>
    /// The rows once <paramref name="ready"/> holds for them (at most 15 s), read again a moment later so that a row
    /// too many, written late, is seen too.
    /// </summary>
    public static async Task<IReadOnlyList<AuditRow>> WaitAsync(GatewayInstance gateway, Func<IReadOnlyList<AuditRow>, bool> ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var rows = await ReadAsync(gateway);
        while (!ready(rows) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            rows = await ReadAsync(gateway);
        }

        await Task.Delay(500, TestContext.Current.CancellationToken);
        return await ReadAsync(gateway);
    }

    public static async Task<IReadOnlyList<AuditRow>> ReadAsync(GatewayInstance gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var database = gateway.OpenDatabase();
        await using var command = database.CreateCommand(
            "select id, at, action, outcome, actor_kind, actor_id, actor_name, client_address, study_instance_uid, series_instance_uid, sop_instance_uid, detail from audit_events order by id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<AuditRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
            rows.Add(new AuditRow(
                reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetInt16(3), reader.GetString(4),
                Text(5), Text(6), Text(7), Text(8), Text(9), Text(10), Text(11)));
        }

        return rows;
    }
}
