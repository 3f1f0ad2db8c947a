namespace Gateway.Core.Audit;

/// <summary>
/// One audited action: who (<see cref="Actor"/>), what (<see cref="Action"/>, <see cref="Outcome"/>), on which
/// object (UIDs only, never patient data), when. <see cref="Detail"/> is short and machine-made (a query's level and
/// key names, a count, a refusal's reason), never a query's values.
/// </summary>
public sealed record AuditEvent(
    DateTimeOffset At,
    string Action,
    AuditOutcome Outcome,
    AuditActor Actor,
    string? StudyInstanceUid = null,
    string? SeriesInstanceUid = null,
    string? SopInstanceUid = null,
    string? Detail = null)
{
    /// <summary>The longest detail kept (the column's limit); longer ones are cut.</summary>
    public const int MaxDetailLength = 500;
}

/// <summary>
/// Who acted: <see cref="Kind"/> is one of <see cref="AuditActorKind"/>; <see cref="Id"/> the token's subject, the
/// API key's id or the calling AE title; <see cref="Name"/> the token's client or the key's name; <see cref="Address"/>
/// the peer's IP address.
/// </summary>
public sealed record AuditActor(string Kind, string? Id, string? Name, string? Address);

/// <summary>The kinds of actor (the audit_events.actor_kind values).</summary>
public static class AuditActorKind
{
    public const string User = "user";

    public const string ApiKey = "api-key";

    public const string ApplicationEntity = "ae";

    public const string Anonymous = "anonymous";
}

/// <summary>An action's outcome, as DICOM's EventOutcomeIndicator (PS3.15 A.5.1) codes it.</summary>
public enum AuditOutcome
{
    Success = 0,

    /// <summary>The action was refused or found nothing to act on (403, 404, a rejected instance).</summary>
    MinorFailure = 4,

    /// <summary>The action failed on the gateway's side (a 5xx answer, an exception).</summary>
    SeriousFailure = 8,
}
