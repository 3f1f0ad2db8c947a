using Gateway.Core.Audit;

namespace Gateway.Server.Audit.Syslog;

/// <summary>A coded value of the DICOM audit message schema (csd-code, codeSystemName, originalText).</summary>
internal sealed record AuditCode(string Code, string Meaning, string System = "DCM");

/// <summary>
/// How each action is told in a DICOM audit message (PS3.15 A.5.3, codes of PS3.16 CID 400-403): its EventID,
/// EventActionCode (C create, R read, U update, D delete, E execute) and EventTypeCode, and the roles of requestor and gateway.
/// </summary>
internal sealed record AuditEventCodes(AuditCode EventId, string ActionCode, AuditCode? EventType, AuditCode? RequestorRole, AuditCode? GatewayRole)
{
    private static readonly AuditCode Source = new("110153", "Source Role ID");
    private static readonly AuditCode Destination = new("110152", "Destination Role ID");
    private static readonly AuditCode Transferred = new("110104", "DICOM Instances Transferred");

    public static AuditEventCodes Of(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        return auditEvent.Action switch
        {
            AuditAction.Store => new(Transferred, "C", null, Source, Destination),
            AuditAction.Retrieve => new(Transferred, "R", null, Destination, Source),
            AuditAction.ExportLatent => new(new("110106", "Export"), "R", null, Destination, Source),
            AuditAction.Query => new(new("110112", "Query"), "E", null, Source, Destination),

            // A whole study is a "DICOM Study Deleted"; a series or an instance is an access that deletes.
            AuditAction.Delete when auditEvent.SeriesInstanceUid is null => new(new("110105", "DICOM Study Deleted"), "D", null, null, null),
            AuditAction.Delete => new(new("110103", "DICOM Instances Accessed"), "D", null, null, null),
            AuditAction.Login => new(new("110114", "User Authentication"), "E", new("110122", "Login"), null, null),
            AuditAction.Logout => new(new("110114", "User Authentication"), "E", new("110123", "Logout"), null, null),
            AuditAction.ApiKeyCreate or AuditAction.ApiKeyRevoke => new(new("110113", "Security Alert"), "E", new("110137", "User Security Attributes Changed"), null, null),

            // A backfill re-encodes stored instances (their pixels' storage, not their content): an access that updates.
            AuditAction.ModelBackfill => new(new("110103", "DICOM Instances Accessed"), "U", null, null, null),
            _ => new(new("110100", "Application Activity"), "E", null, null, null),
        };
    }
}
