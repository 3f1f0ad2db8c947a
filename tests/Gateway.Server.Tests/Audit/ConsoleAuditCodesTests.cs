using System.Xml.Linq;
using Gateway.Core.Audit;
using Gateway.Server.Audit.Syslog;

namespace Gateway.Server.Tests.Audit;

/// <summary>
/// How the models page's actions are told in a DICOM audit message (PS3.15 A.5.1, codes of PS3.16 CID 400-403): a
/// backfill, which re-encodes stored instances, is "DICOM Instances Accessed" (110103) with EventActionCode U
/// (update); a promotion, which changes only a setting, stays "Application Activity" (110100) executed.
/// </summary>
public sealed class ConsoleAuditCodesTests
{
    [Theory]
    [InlineData(AuditAction.ModelBackfill, "110103", "DICOM Instances Accessed", "U")]
    [InlineData(AuditAction.ModelPromote, "110100", "Application Activity", "E")]
    public void A_models_page_action_has_its_event_id_and_action_code(string action, string code, string meaning, string actionCode)
    {
        var auditEvent = new AuditEvent(
            DateTimeOffset.UtcNow, action, AuditOutcome.Success, new AuditActor(AuditActorKind.User, "admin", null, "127.0.0.1"), Detail: "rule 1: compact-f64-c1, backfill 1: 4 queued");
        var message = XDocument.Parse(System.Text.Encoding.UTF8.GetString(DicomAuditMessage.Build(auditEvent, new AuditSource("gateway", "GATEWAY", "host"))));
        var identification = message.Root!.Element("EventIdentification")!;
        Assert.Equal(actionCode, (string)identification.Attribute("EventActionCode")!);
        var eventId = identification.Element("EventID")!;
        Assert.Equal((code, "DCM", meaning), ((string)eventId.Attribute("csd-code")!, (string)eventId.Attribute("codeSystemName")!, (string)eventId.Attribute("originalText")!));
        Assert.Null(message.Root.Element("ParticipantObjectIdentification"));
    }
}
