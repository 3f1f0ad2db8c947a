namespace Gateway.Core.Audit;

/// <summary>
/// Where actions are recorded. <see cref="Record"/> returns at once (the hot path does not wait for the database);
/// an event that cannot be queued is counted and reported in the log, never dropped silently.
/// </summary>
public interface IAuditTrail
{
    void Record(AuditEvent auditEvent);
}
