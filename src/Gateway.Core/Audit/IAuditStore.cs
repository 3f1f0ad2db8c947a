namespace Gateway.Core.Audit;

/// <summary>A stored audit event: the event and its row id (ids grow with insertion).</summary>
public sealed record StoredAuditEvent(long Id, AuditEvent Event);

/// <summary>
/// A search of the audit trail, newest first: every filter given must match; <see cref="Before"/> is the id a
/// previous page ended with (keyset paging).
/// </summary>
public sealed record AuditQuery(
    string? Action = null,
    string? ActorId = null,
    string? StudyInstanceUid = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    long? Before = null,
    int Limit = 100);

/// <summary>The append-only audit table.</summary>
public interface IAuditStore
{
    Task AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredAuditEvent>> FindAsync(AuditQuery query, CancellationToken cancellationToken);
}
