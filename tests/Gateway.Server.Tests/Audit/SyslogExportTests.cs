using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Gateway.Core.Security;
using Gateway.Dicom;
using Gateway.Server.Security;
using Gateway.Server.Tests.DicomWeb.Retrieve;
using Gateway.Server.Tests.DicomWeb.Stow;
using Gateway.Server.Tests.Security.SignIn;

namespace Gateway.Server.Tests.Audit;

/// <summary>
/// The audit trail exported as DICOM audit messages (PS3.15 A.5) over syslog (RFC 5424) to a receiver in the test:
/// over UDP, TCP and TLS each message parses as RFC 5424 and carries an AuditMessage with the event's EventID, the
/// requestor, the audit source and the study, and no patient data; sign-ins, sign-outs and the console's admin
/// actions arrive as User Authentication and Security Alert messages naming the user and the outcome.
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

            var identification = Identification(root, actionCode, "0");
            Assert.Equal((code, "DCM", meaning), Coded(identification.Element("EventID")!));

            var requestor = Requestor(root);
            Assert.Equal(("anonymous", "127.0.0.1", "2"), ((string)requestor.Attribute("UserID")!, (string)requestor.Attribute("NetworkAccessPointID")!, (string)requestor.Attribute("NetworkAccessPointTypeCode")!));

            var study = root.Element("ParticipantObjectIdentification")!;
            Assert.Equal((instance.Study, "2", "3"), ((string)study.Attribute("ParticipantObjectID")!, (string)study.Attribute("ParticipantObjectTypeCode")!, (string)study.Attribute("ParticipantObjectTypeCodeRole")!));
            var idType = study.Element("ParticipantObjectIDTypeCode")!;
            Assert.Equal(("110180", "DCM", "Study Instance UID"), Coded(idType));

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
    /// PS3.15 A.5.3.12 User Authentication (EventID 110114, EventTypeCode 110122 Login or 110123 Logout) for a refused
    /// API key, a wrong and a right password at the local sign-in and a sign-out; A.5.3.11 Security Alert (110113) for
    /// the console's admin actions: 110131 Software Configuration for a model promotion (and a refused one), 110132 Use
    /// of Restricted Function for a dry run, a lifecycle batch and a job retry. Each message names the user (or the
    /// anonymous caller) as the requestor from its address, its outcome, and what an admin's action changed.
    /// </summary>
    [Fact]
    public async Task Sign_ins_a_sign_out_and_the_consoles_model_and_policy_actions_reach_the_audit_repository_as_well_formed_DICOM_audit_messages()
    {
        const string Password = "syslog test password 0123456789";
        var cancellationToken = TestContext.Current.CancellationToken;
        var passwordFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(passwordFile, Password + "\n", cancellationToken);
        try
        {
            await using var receiver = new SyslogReceiver("Tcp");
            await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
            {
                ["Audit:SourceId"] = "gateway-under-test",
                ["Audit:Syslog:Host"] = "127.0.0.1",
                ["Audit:Syslog:Port"] = receiver.Port.ToString(CultureInfo.InvariantCulture),
                ["Audit:Syslog:Protocol"] = "Tcp",
                ["Security:LocalAdmin:Enabled"] = "true",
                ["Security:LocalAdmin:InitialPasswordFile"] = passwordFile,
                ["Compression:Enabled"] = "true",
                ["Compression:Rules:0:Modalities:0"] = "CT",
                ["Compression:Rules:0:Action"] = "Latent",
                ["JobWorkers"] = "0",
            });

            var unknownKey = "mvg_" + new string('B', 43);
            using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri("dicomweb/studies", UriKind.Relative)))
            {
                request.Headers.Add(ApiKeyAuthenticationHandler.HeaderName, unknownKey);
                using var refused = await gateway.Http.SendAsync(request, cancellationToken);
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }

            using var browser = new Browser(gateway.BaseAddress);
            Assert.Equal(HttpStatusCode.Unauthorized, (await LocalAdminSignInTests.SignInAsync(browser, "not the password")).Status);
            Assert.Equal(HttpStatusCode.Redirect, (await LocalAdminSignInTests.SignInAsync(browser, Password)).Status);

            var models = await browser.GetAsync("console/models");
            Assert.Equal(HttpStatusCode.OK, models.Status);
            var token = Browser.AntiforgeryField(models.Body);
            async Task PostAsync(string path, string notice, params (string Name, string Value)[] fields)
            {
                var form = new Dictionary<string, string> { [token.Key] = token.Value };
                foreach (var (name, value) in fields)
                {
                    form[name] = value;
                }

                var (status, body, response) = await browser.PostFormAsync(path, form);
                Assert.True(status == HttpStatusCode.Redirect, $"{path}: {(int)status} {body}");
                Assert.Contains("notice=" + notice, response.Headers.Location!.OriginalString, StringComparison.Ordinal);
            }

            await PostAsync("console/models/promote", "promoted", ("rule", "0"), ("model", "compact-f16-c1"));
            await PostAsync("console/models/promote", "refused", ("rule", "0"), ("model", "no-such-model"));
            await PostAsync("console/models/dry-run", "started", ("model", string.Empty), ("sample", "10"));
            await PostAsync("console/lifecycle/run", "unchanged");
            await PostAsync("console/jobs/999999/retry", "unchanged");
            var signedIn = await browser.GetAsync("login");
            var logoutToken = Browser.AntiforgeryField(signedIn.Body);
            Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync("logout", new Dictionary<string, string> { [logoutToken.Key] = logoutToken.Value })).Status);

            // (EventID, EventTypeCode, outcome, requestor's UserID and UserName, what EventOutcomeDescription starts with or null for none).
            var expected = new List<(string EventId, string EventType, string Outcome, string User, string? UserName, string? Description)>
            {
                ("110114", "110122", "4", "anonymous", "api key " + unknownKey[..ApiKeySecret.PrefixLength], "GET /dicomweb/studies: "),
                ("110114", "110122", "4", "anonymous", null, "POST /login: wrong user name or password"),
                ("110114", "110122", "0", "admin", null, null),
                ("110113", "110131", "0", "admin", null, "rule 0: compact-f16-c1"),
                ("110113", "110131", "4", "admin", null, "refused"),
                ("110113", "110132", "0", "admin", null, "policy over "),
                ("110113", "110132", "4", "admin", null, "lifecycle batch: unchanged"),
                ("110113", "110132", "4", "admin", null, "job 999999: unchanged"),
                ("110114", "110123", "0", "admin", null, null),
            };
            var meanings = new Dictionary<string, string>
            {
                ["110113"] = "Security Alert",
                ["110114"] = "User Authentication",
                ["110122"] = "Login",
                ["110123"] = "Logout",
                ["110131"] = "Software Configuration",
                ["110132"] = "Use of Restricted Function",
            };
            var seen = new List<string>();
            while (expected.Count > 0)
            {
                var root = Parse(await receiver.NextAsync()).Root!;
                Assert.Equal("AuditMessage", root.Name.LocalName);
                Assert.Equal(["EventIdentification", "ActiveParticipant", "ActiveParticipant", "AuditSourceIdentification"], root.Elements().Select(element => element.Name.LocalName));
                var outcome = (string)root.Element("EventIdentification")!.Attribute("EventOutcomeIndicator")!;
                var identification = Identification(root, "E", outcome);
                var eventId = Coded(identification.Element("EventID")!);
                var eventType = Coded(Assert.Single(identification.Elements("EventTypeCode")));
                Assert.Equal((meanings[eventId.Code], "DCM"), (eventId.Meaning, eventId.System));
                Assert.Equal((meanings[eventType.Code], "DCM"), (eventType.Meaning, eventType.System));
                var requestor = Requestor(root);
                Assert.Equal(("127.0.0.1", "2"), ((string)requestor.Attribute("NetworkAccessPointID")!, (string)requestor.Attribute("NetworkAccessPointTypeCode")!));
                var description = (string?)identification.Element("EventOutcomeDescription");
                seen.Add($"{eventId.Code} {eventType.Code} {outcome} {(string)requestor.Attribute("UserID")!} {(string?)requestor.Attribute("UserName")} [{description}]");

                // Arrival order is the order the rows were recorded, which a request answered before its row may change: match, not compare in order.
                var match = expected.FindIndex(entry =>
                    (entry.EventId, entry.EventType, entry.Outcome, entry.User, entry.UserName) == (eventId.Code, eventType.Code, outcome, (string)requestor.Attribute("UserID")!, (string?)requestor.Attribute("UserName"))
                    && (entry.Description is null ? description is null : description?.StartsWith(entry.Description, StringComparison.Ordinal) == true));
                Assert.True(match >= 0, $"an unexpected message: {seen[^1]}\nseen: {string.Join("; ", seen)}");
                expected.RemoveAt(match);
            }

            Assert.DoesNotContain(seen, line => line.Contains(unknownKey, StringComparison.Ordinal) || line.Contains(Password, StringComparison.Ordinal) || line.Contains("not the password", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    /// <summary>The message's EventIdentification, with its action code, outcome and an EventDateTime within five minutes of now.</summary>
    private static XElement Identification(XElement root, string actionCode, string outcome)
    {
        var identification = root.Element("EventIdentification")!;
        Assert.Equal((actionCode, outcome), ((string)identification.Attribute("EventActionCode")!, (string)identification.Attribute("EventOutcomeIndicator")!));
        Assert.True(DateTimeOffset.TryParse((string)identification.Attribute("EventDateTime")!, CultureInfo.InvariantCulture, out var at) && Math.Abs((DateTimeOffset.UtcNow - at).TotalMinutes) < 5);
        return identification;
    }

    /// <summary>The requesting ActiveParticipant; the other one is the gateway (its AE title), and the audit source is the configured one.</summary>
    private static XElement Requestor(XElement root)
    {
        var self = root.Elements("ActiveParticipant").Single(participant => (string?)participant.Attribute("UserIsRequestor") == "false");
        Assert.Equal(GatewayInstance.AETitle, (string)self.Attribute("UserID")!);
        Assert.Equal("gateway-under-test", (string)root.Element("AuditSourceIdentification")!.Attribute("AuditSourceID")!);
        return root.Elements("ActiveParticipant").Single(participant => (string?)participant.Attribute("UserIsRequestor") == "true");
    }

    private static (string Code, string System, string Meaning) Coded(XElement code) =>
        ((string)code.Attribute("csd-code")!, (string)code.Attribute("codeSystemName")!, (string)code.Attribute("originalText")!);

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
