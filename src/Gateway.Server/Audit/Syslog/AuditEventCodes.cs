using Gateway.Core.Audit;

namespace Gateway.Server.Audit.Syslog;

/// <summary>A coded value of the DICOM audit message schema (csd-code, codeSystemName, originalText).</summary>
internal sealed record AuditCode(string Code, string Meaning, string System = "DCM");

/// <summary>
/// How each action is told in a DICOM audit message (PS3.15 A.5.3, codes of PS3.16 CID 400-403): its EventID,
/// EventActionCode (C create, R read, U update, D delete, E execute) and EventTypeCode, the roles of requestor and gateway, and
/// whether the row's detail describes the outcome of a success too (an admin's change: what it changed).
/// </summary>
internal sealed record AuditEventCodes(AuditCode EventId, string ActionCode, AuditCode? EventType, AuditCode? RequestorRole, AuditCode? GatewayRole, bool DescribesSuccess = false)
{
    private static readonly AuditCode Source = new("110153", "Source Role ID");
    private static readonly AuditCode Destination = new("110152", "Destination Role ID");
    private static readonly AuditCode Transferred = new("110104", "DICOM Instances Transferred");
    private static readonly AuditCode UserAuthentication = new("110114", "User Authentication");
    private static readonly AuditCode SecurityAlert = new("110113", "Security Alert");

    /// <summary>
    /// The codes of <paramref name="auditEvent"/>'s action; null for an action of no mapping, which is not sent as
    /// something else (every one of <see cref="AuditAction.All"/> has one; a test checks it).
    /// </summary>
    public static AuditEventCodes? Of(AuditEvent auditEvent)
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
            AuditAction.Login => new(UserAuthentication, "E", new("110122", "Login"), null, null),
            AuditAction.Logout => new(UserAuthentication, "E", new("110123", "Logout"), null, null),
            AuditAction.ApiKeyCreate or AuditAction.ApiKeyRevoke => new(SecurityAlert, "E", new("110137", "User Security Attributes Changed"), null, null, DescribesSuccess: true),

            // A promotion changes which model the policy compresses with: a change of the software's configuration.
            AuditAction.ModelPromote => new(SecurityAlert, "E", new("110131", "Software Configuration"), null, null, DescribesSuccess: true),

            // Admin-only functions that change no configuration: a dry run, a lifecycle batch, a job retried or cancelled.
            AuditAction.ModelDryRun or AuditAction.LifecycleRun or AuditAction.JobRetry or AuditAction.JobCancel =>
                new(SecurityAlert, "E", new("110132", "Use of Restricted Function"), null, null, DescribesSuccess: true),
            // A backfill re-encodes stored instances (their pixels' storage, not their content): an access that updates.
            AuditAction.ModelBackfill => new(new("110103", "DICOM Instances Accessed"), "U", null, null, null, DescribesSuccess: true),
            _ => null,
        };
    }
}
