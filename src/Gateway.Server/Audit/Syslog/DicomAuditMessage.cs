using System.Globalization;
using System.Text;
using System.Xml;
using Gateway.Core.Audit;

namespace Gateway.Server.Audit.Syslog;

/// <summary>
/// An audit event as a DICOM audit message (PS3.15 A.5.1, the successor of RFC 3881): EventIdentification, the
/// requestor and the gateway as ActiveParticipants, AuditSourceIdentification, and the study (Study Instance UID)
/// as ParticipantObjectIdentification. UIDs only: the message names no patient.
/// </summary>
internal static class DicomAuditMessage
{
    /// <param name="source">The gateway: its AuditSourceID, and its AE title and host name as a participant.</param>
    /// <returns>The message's UTF-8 XML; null for an action without DICOM audit codes (<see cref="AuditEventCodes.Of"/>).</returns>
    public static byte[]? Build(AuditEvent auditEvent, AuditSource source)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        ArgumentNullException.ThrowIfNull(source);
        if (AuditEventCodes.Of(auditEvent) is not { } codes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false, Indent = false };
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            xml.WriteStartElement("AuditMessage");

            xml.WriteStartElement("EventIdentification");
            xml.WriteAttributeString("EventActionCode", codes.ActionCode);
            xml.WriteAttributeString("EventDateTime", auditEvent.At.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffK", CultureInfo.InvariantCulture));
            xml.WriteAttributeString("EventOutcomeIndicator", ((int)auditEvent.Outcome).ToString(CultureInfo.InvariantCulture));
            Code(xml, "EventID", codes.EventId);
            if (codes.EventType is { } eventType)
            {
                Code(xml, "EventTypeCode", eventType);
            }

            // Why it failed; for an admin's change, what it changed (the rule and model promoted, the batch queued).
            if ((auditEvent.Outcome != AuditOutcome.Success || codes.DescribesSuccess) && auditEvent.Detail is { } detail)
            {
                xml.WriteElementString("EventOutcomeDescription", detail);
            }

            xml.WriteEndElement();

            // The requestor: the user, API key or calling AE, from its address.
            xml.WriteStartElement("ActiveParticipant");
            xml.WriteAttributeString("UserID", RequestorId(auditEvent.Actor));
            if (auditEvent.Actor.Name is { } name)
            {
                xml.WriteAttributeString("UserName", name);
            }

            xml.WriteAttributeString("UserIsRequestor", "true");
            if (auditEvent.Actor.Address is { } address)
            {
                xml.WriteAttributeString("NetworkAccessPointID", address);
                xml.WriteAttributeString("NetworkAccessPointTypeCode", "2");
            }

            if (codes.RequestorRole is { } requestorRole)
            {
                Code(xml, "RoleIDCode", requestorRole);
            }

            xml.WriteEndElement();

            // The gateway.
            xml.WriteStartElement("ActiveParticipant");
            xml.WriteAttributeString("UserID", source.AETitle);
            xml.WriteAttributeString("AlternativeUserID", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("UserIsRequestor", "false");
            xml.WriteAttributeString("NetworkAccessPointID", source.HostName);
            xml.WriteAttributeString("NetworkAccessPointTypeCode", "1");
            if (codes.GatewayRole is { } gatewayRole)
            {
                Code(xml, "RoleIDCode", gatewayRole);
            }

            xml.WriteEndElement();

            xml.WriteStartElement("AuditSourceIdentification");
            xml.WriteAttributeString("AuditSourceID", source.SourceId);
            xml.WriteEndElement();

            if (auditEvent.StudyInstanceUid is { } study)
            {
                // A system object (2) in the role of a report (3), identified by its Study Instance UID (110180).
                xml.WriteStartElement("ParticipantObjectIdentification");
                xml.WriteAttributeString("ParticipantObjectID", study);
                xml.WriteAttributeString("ParticipantObjectTypeCode", "2");
                xml.WriteAttributeString("ParticipantObjectTypeCodeRole", "3");
                Code(xml, "ParticipantObjectIDTypeCode", new AuditCode("110180", "Study Instance UID"));
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        return buffer.ToArray();
    }

    /// <summary>The requestor's UserID: the token's subject, "api-key:{id}", the AE title, or "anonymous".</summary>
    private static string RequestorId(AuditActor actor) => actor.Kind switch
    {
        AuditActorKind.ApiKey => "api-key:" + actor.Id,
        _ => actor.Id ?? AuditActorKind.Anonymous,
    };

    private static void Code(XmlWriter xml, string element, AuditCode code)
    {
        xml.WriteStartElement(element);
        xml.WriteAttributeString("csd-code", code.Code);
        xml.WriteAttributeString("codeSystemName", code.System);
        xml.WriteAttributeString("originalText", code.Meaning);
        xml.WriteEndElement();
    }
}

/// <summary>The gateway as audit messages name it.</summary>
internal sealed record AuditSource(string SourceId, string AETitle, string HostName);
