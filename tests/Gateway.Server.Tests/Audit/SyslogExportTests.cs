using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Gateway.Dicom;
using Gateway.Server.Tests.DicomWeb.Retrieve;
using Gateway.Server.Tests.DicomWeb.Stow;

namespace Gateway.Server.Tests.Audit;

/// <summary>
/// The audit trail exported as DICOM audit messages (PS3.15 A.5) over syslog (RFC 5424) to a receiver in the test:
/// over UDP, TCP and TLS each message parses as RFC 5424 and carries an AuditMessage with the event's EventID, the
/// requestor, the audit source and the study, and no patient data.
/// </summary>
public sealed partial class SyslogExportTests(PostgresCluster cluster)
{
    private const string CtFile = "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm";

    [Theory]
    [InlineData("Udp")]
    [InlineData("Tcp")]
    [InlineData("Tls")]
    public async Task A_store_and_a_study_delete_reach_the_audit_repository_as_well_formed_DICOM_audit_messages(string protocol)
    {
        var instance = TestInstance.Of(TestData.RequireSharedData(CtFile));
        var patientName = DicomFile.Open(instance.Path).Dataset.GetString(DicomTags.PatientName);
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var receiver = new SyslogReceiver(protocol);
        var settings = new Dictionary<string, string?>
        {
            ["Audit:SourceId"] = "gateway-under-test",
            ["Audit:Syslog:Host"] = protocol == "Tls" ? "localhost" : "127.0.0.1",
            ["Audit:Syslog:Port"] = receiver.Port.ToString(CultureInfo.InvariantCulture),
            ["Audit:Syslog:Protocol"] = protocol,
            ["Audit:Syslog:TrustedCaFile"] = receiver.CaFile,
        };
        await using var gateway = await GatewayInstance.StartAsync(cluster, settings);

        using (var stow = new HttpRequestMessage(HttpMethod.Post, new Uri("dicomweb/studies", UriKind.Relative)) { Content = new ByteArrayContent(MultipartBody.OfFiles([instance.Path])) })
        {
            stow.Content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={MultipartBody.Boundary}");
            using var stored = await gateway.Http.SendAsync(stow, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }

        var store = Parse(await receiver.NextAsync());
        using (var deleted = await gateway.Http.DeleteAsync(new Uri(instance.StudyPath, UriKind.Relative), cancellationToken))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var delete = Parse(await receiver.NextAsync());

        foreach (var (message, code, meaning, actionCode) in new[] { (store, "110104", "DICOM Instances Transferred", "C"), (delete, "110105", "DICOM Study Deleted", "D") })
        {
            var root = message.Root!;
            Assert.Equal("AuditMessage", root.Name.LocalName);
            Assert.Equal(["EventIdentification", "ActiveParticipant", "ActiveParticipant", "AuditSourceIdentification", "ParticipantObjectIdentification"], root.Elements().Select(element => element.Name.LocalName));

            var identification = root.Element("EventIdentification")!;
            Assert.Equal((actionCode, "0"), ((string)identification.Attribute("EventActionCode")!, (string)identification.Attribute("EventOutcomeIndicator")!));
            Assert.True(DateTimeOffset.TryParse((string)identification.Attribute("EventDateTime")!, CultureInfo.InvariantCulture, out var at) && Math.Abs((DateTimeOffset.UtcNow - at).TotalMinutes) < 5);
            var eventId = identification.Element("EventID")!;
            Assert.Equal((code, "DCM", meaning), ((string)eventId.Attribute("csd-code")!, (string)eventId.Attribute("codeSystemName")!, (string)eventId.Attribute("originalText")!));

            var requestor = root.Elements("ActiveParticipant").Single(participant => (string?)participant.Attribute("UserIsRequestor") == "true");
            Assert.Equal(("anonymous", "127.0.0.1", "2"), ((string)requestor.Attribute("UserID")!, (string)requestor.Attribute("NetworkAccessPointID")!, (string)requestor.Attribute("NetworkAccessPointTypeCode")!));
            var self = root.Elements("ActiveParticipant").Single(participant => (string?)participant.Attribute("UserIsRequestor") == "false");
            Assert.Equal(GatewayInstance.AETitle, (string)self.Attribute("UserID")!);
            Assert.Equal("gateway-under-test", (string)root.Element("AuditSourceIdentification")!.Attribute("AuditSourceID")!);

            var study = root.Element("ParticipantObjectIdentification")!;
            Assert.Equal((instance.Study, "2", "3"), ((string)study.Attribute("ParticipantObjectID")!, (string)study.Attribute("ParticipantObjectTypeCode")!, (string)study.Attribute("ParticipantObjectTypeCodeRole")!));
            var idType = study.Element("ParticipantObjectIDTypeCode")!;
            Assert.Equal(("110180", "DCM", "Study Instance UID"), ((string)idType.Attribute("csd-code")!, (string)idType.Attribute("codeSystemName")!, (string)idType.Attribute("originalText")!));

            if (!string.IsNullOrWhiteSpace(patientName))
            {
                Assert.DoesNotContain(patientName.Trim(), message.ToString(), StringComparison.Ordinal);
            }
        }

        // The storing participant sends (source), the gateway receives (destination).
        Assert.Equal("110153", (string)store.Root!.Elements("ActiveParticipant").First().Element("RoleIDCode")!.Attribute("csd-code")!);
        Assert.Equal("110152", (string)store.Root!.Elements("ActiveParticipant").Last().Element("RoleIDCode")!.Attribute("csd-code")!);
    }

    /// <summary>
    /// An RFC 5424 message: PRI (facility 10, severity 5), VERSION 1, an RFC 3339 UTC TIMESTAMP, HOSTNAME, APP-NAME,
    /// PROCID, MSGID, no STRUCTURED-DATA, then the UTF-8 BOM and the XML, which is returned parsed.
    /// </summary>
    private static XDocument Parse(byte[] frame)
    {
        var bom = frame.AsSpan().IndexOf([(byte)0xEF, (byte)0xBB, (byte)0xBF]);
        Assert.True(bom > 0, "the message has no UTF-8 BOM before its MSG");
        var header = Encoding.ASCII.GetString(frame, 0, bom);
        var match = Header().Match(header);
        Assert.True(match.Success, $"not an RFC 5424 header: '{header}'");
        Assert.Equal("85", match.Groups["pri"].Value);
        Assert.True(DateTimeOffset.TryParseExact(match.Groups["time"].Value, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _), match.Groups["time"].Value);
        Assert.Equal(("medvae-gateway", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), "IHE+RFC-3881"), (match.Groups["app"].Value, match.Groups["proc"].Value, match.Groups["msgid"].Value));
        return XDocument.Parse(Encoding.UTF8.GetString(frame, bom + 3, frame.Length - bom - 3));
    }

    [GeneratedRegex(@"^<(?<pri>\d{1,3})>1 (?<time>\S+) (?<host>[!-~]{1,255}) (?<app>[!-~]{1,48}) (?<proc>[!-~]{1,128}) (?<msgid>[!-~]{1,32}) - $")]
    private static partial Regex Header();
}
