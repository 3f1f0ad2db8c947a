using System.Xml.Linq;
using Gateway.Core.Audit;
using Gateway.Server.Audit.Syslog;

namespace Gateway.Server.Tests.Audit;

/// <summary>
/// Every audited action has its DICOM audit message codes (PS3.15 A.5.3, PS3.16 CID 400-403), checked against this
/// known-answer table taken from the standard's code lists, so a new action without a mapping, or with a code that
/// is not the standard's, fails here.
/// </summary>
public sealed class DicomAuditCodesTests
{
    private static readonly AuditSource Source = new("gateway-under-test", "GATEWAY", "localhost");

    /// <summary>Action -> EventID, EventActionCode, EventTypeCode (or null), with the DCM code meanings.</summary>
    private static readonly Dictionary<string, (string EventId, string Meaning, string ActionCode, string? EventType, string? TypeMeaning)> Standard = new()
    {
        [AuditAction.Store] = ("110104", "DICOM Instances Transferred", "C", null, null),
        [AuditAction.Retrieve] = ("110104", "DICOM Instances Transferred", "R", null, null),
        [AuditAction.ExportLatent] = ("110106", "Export", "R", null, null),
        [AuditAction.Query] = ("110112", "Query", "E", null, null),
        [AuditAction.Delete] = ("110105", "DICOM Study Deleted", "D", null, null),
        [AuditAction.Login] = ("110114", "User Authentication", "E", "110122", "Login"),
        [AuditAction.Logout] = ("110114", "User Authentication", "E", "110123", "Logout"),
        [AuditAction.ApiKeyCreate] = ("110113", "Security Alert", "E", "110137", "User Security Attributes Changed"),
        [AuditAction.ApiKeyRevoke] = ("110113", "Security Alert", "E", "110137", "User Security Attributes Changed"),
        [AuditAction.ModelPromote] = ("110113", "Security Alert", "E", "110131", "Software Configuration"),
        [AuditAction.ModelDryRun] = ("110113", "Security Alert", "E", "110132", "Use of Restricted Function"),
        [AuditAction.LifecycleRun] = ("110113", "Security Alert", "E", "110132", "Use of Restricted Function"),
        [AuditAction.JobRetry] = ("110113", "Security Alert", "E", "110132", "Use of Restricted Function"),
        [AuditAction.JobCancel] = ("110113", "Security Alert", "E", "110132", "Use of Restricted Function"),
        [AuditAction.ModelBackfill] = ("110103", "DICOM Instances Accessed", "U", null, null),
    };

    public static TheoryData<string> Actions => [.. AuditAction.All];

    [Theory]
    [MemberData(nameof(Actions))]
    public void Each_audited_action_becomes_a_DICOM_audit_message_with_the_standards_codes(string action)
    {
        Assert.True(Standard.TryGetValue(action, out var expected), $"{action}: no DICOM audit codes in this test's table (add the standard's)");
        var root = Message(new AuditEvent(DateTimeOffset.UtcNow, action, AuditOutcome.Success, new AuditActor(AuditActorKind.User, "admin", null, "127.0.0.1"), "1.2.3"));
        var identification = root.Element("EventIdentification")!;
        Assert.Equal(expected.ActionCode, (string)identification.Attribute("EventActionCode")!);
        Assert.Equal((expected.EventId, "DCM", expected.Meaning), Coded(identification.Element("EventID")));
        Assert.Equal((expected.EventType, expected.EventType is null ? null : "DCM", expected.TypeMeaning), Coded(identification.Element("EventTypeCode")));
    }

    [Fact]
    public void A_series_or_instance_delete_is_an_access_that_deletes_and_an_admin_change_says_what_it_changed()
    {
        var admin = new AuditActor(AuditActorKind.User, "admin", null, "127.0.0.1");
        var series = Message(new AuditEvent(DateTimeOffset.UtcNow, AuditAction.Delete, AuditOutcome.Success, admin, "1.2.3", "1.2.3.4", Detail: "2 instances deleted"));
        Assert.Equal(("110103", "DCM", "DICOM Instances Accessed"), Coded(series.Element("EventIdentification")!.Element("EventID")));
        Assert.Null(series.Element("EventIdentification")!.Element("EventOutcomeDescription"));

        var promoted = Message(new AuditEvent(DateTimeOffset.UtcNow, AuditAction.ModelPromote, AuditOutcome.Success, admin, Detail: "rule 1: compact-f16-c1"));
        Assert.Equal("rule 1: compact-f16-c1", (string?)promoted.Element("EventIdentification")!.Element("EventOutcomeDescription"));
        var refused = Message(new AuditEvent(DateTimeOffset.UtcNow, AuditAction.ModelPromote, AuditOutcome.MinorFailure, admin, Detail: "refused"));
        Assert.Equal(("4", "refused"), ((string)refused.Element("EventIdentification")!.Attribute("EventOutcomeIndicator")!, (string?)refused.Element("EventIdentification")!.Element("EventOutcomeDescription")));
    }

    [Fact]
    public void An_action_without_a_mapping_makes_no_message_rather_than_one_telling_something_else() =>
        Assert.Null(DicomAuditMessage.Build(new AuditEvent(DateTimeOffset.UtcNow, "no-such-action", AuditOutcome.Success, new AuditActor(AuditActorKind.Anonymous, null, null, null)), Source));

    private static XElement Message(AuditEvent auditEvent) =>
        XDocument.Parse(System.Text.Encoding.UTF8.GetString(DicomAuditMessage.Build(auditEvent, Source)!)).Root!;

    private static (string? Code, string? System, string? Meaning) Coded(XElement? code) =>
        ((string?)code?.Attribute("csd-code"), (string?)code?.Attribute("codeSystemName"), (string?)code?.Attribute("originalText"));
}
