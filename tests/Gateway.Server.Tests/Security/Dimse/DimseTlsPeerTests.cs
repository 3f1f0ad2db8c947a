using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Server.Tests.Operations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Tests.Security.Dimse;

/// <summary>
/// Issue 16 point 3, the rest of DICOM TLS: C-MOVE to a peer configured for TLS goes over TLS with the gateway's
/// client certificate (DCMTK's storescp in TLS mode, requiring one, as the destination), and an AE title bound to a
/// client certificate (by subject or thumbprint) gets an association only with that certificate (DCMTK's echoscu).
/// </summary>
public sealed class DimseTlsPeerTests(OpensslAuthority authority, PostgresCluster cluster) : IClassFixture<OpensslAuthority>
{
    private const string Study = "1.2.826.0.1.3680043.8.498.16401";

    private static readonly string[] StudyKeys = ["-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + Study];

    [Fact]
    public async Task A_C_MOVE_to_a_TLS_peer_is_sent_over_TLS_with_the_gateways_client_certificate_and_the_same_peer_called_plainly_gets_nothing()
    {
        var folder = Directory.CreateTempSubdirectory("dimse-tls-move-").FullName;
        try
        {
            var file = GatewayChecks.CopyWithUids(TestData.RequireSharedData(GatewayChecks.CtFile), folder, Study, Study + ".1", Study + ".1.1");
            var received = Directory.CreateDirectory(Path.Combine(folder, "received")).FullName;
            var archivePort = PeerProcess.FreeLoopbackPort();

            // storescp in TLS mode requires a client certificate from the CA (--require-peer-cert is its default); -d prints the one it got.
            using var storescp = PeerProcess.Start(
                "storescp",
                ["-d", "-aet", "ARCHIVE", "+tls", authority.Path("server.key"), authority.Path("server.pem"), "+cf", authority.AuthorityPem, "+uf", "-od", received, archivePort.ToString(CultureInfo.InvariantCulture)],
                "dcmtk");
            await storescp.WaitForPortAsync(archivePort);
            await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
            {
                ["DicomTls:ClientCaFile"] = authority.AuthorityPem,
                ["DicomTls:ClientCertificateFile"] = authority.Path("gateway.pem"),
                ["DicomTls:ClientKeyFile"] = authority.Path("gateway.key"),
                ["Peers:0:AETitle"] = "ARCHIVE",
                ["Peers:0:Host"] = "127.0.0.1",
                ["Peers:0:Port"] = archivePort.ToString(CultureInfo.InvariantCulture),
                ["Peers:0:Tls"] = "true",
                ["Peers:1:AETitle"] = "PLAIN",
                ["Peers:1:Host"] = "127.0.0.1",
                ["Peers:1:Port"] = archivePort.ToString(CultureInfo.InvariantCulture),
                ["Peers:2:AETitle"] = "VIEWER",
                ["Peers:2:Host"] = "127.0.0.1",
                ["Peers:2:Permissions:0"] = "Store",
                ["Peers:2:Permissions:1"] = "Move",
            });
            var port = gateway.DicomPort.ToString(CultureInfo.InvariantCulture);
            var store = Dcmtk("storescu", "VIEWER", port, [], file);
            Assert.True(store.ExitCode == 0 && !store.Output.Contains("Error", StringComparison.OrdinalIgnoreCase), store.Output);

            var moved = Dcmtk("movescu", "VIEWER", port, [.. StudyKeys, "-aem", "ARCHIVE"]);
            Assert.True(moved.ExitCode == 0 && moved.Output.Contains("Received Final Move Response (Success)", StringComparison.Ordinal), moved.Output);
            Assert.Single(Directory.GetFiles(received));
            Assert.Contains("Subject     : /CN=GATEWAY", storescp.Output, StringComparison.Ordinal);

            // The same listener as a plain TCP destination: the TLS-only storescp refuses the association, the sub-operation fails.
            var plain = Dcmtk("movescu", "VIEWER", port, [.. StudyKeys, "-aem", "PLAIN"]);
            Assert.True(plain.Output.Contains("Received Final Move Response (Refused: OutOfResourcesSubOperations)", StringComparison.Ordinal), plain.Output);
            Assert.Single(Directory.GetFiles(received));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task An_AE_title_bound_to_a_client_certificate_is_rejected_at_association_with_another_certificate_or_none()
    {
        using var workstation = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(authority.Path("workstation.pem"), TestContext.Current.CancellationToken));
        var logs = new LogCapture();
        await using var gateway = await GatewayInstance.StartAsync(
            cluster,
            new Dictionary<string, string?>
            {
                ["DicomTls:CertificateFile"] = authority.Path("server.pem"),
                ["DicomTls:KeyFile"] = authority.Path("server.key"),
                ["DicomTls:ClientCaFile"] = authority.AuthorityPem,
                ["Peers:0:AETitle"] = "MODALITY",
                ["Peers:0:CertificateSubject"] = "CN=MODALITY",
                ["Peers:1:AETitle"] = "WORKSTATION",
                ["Peers:1:CertificateThumbprint"] = workstation.GetCertHashString(HashAlgorithmName.SHA256),
                ["Peers:2:AETitle"] = "UNBOUND",
            },
            builder => builder.Logging.AddProvider(logs));
        var port = gateway.DicomPort.ToString(CultureInfo.InvariantCulture);
        string[] modality = ["+tls", authority.Path("client.key"), authority.Path("client.pem"), "+cf", authority.AuthorityPem];
        string[] workstationCertificate = ["+tls", authority.Path("workstation.key"), authority.Path("workstation.pem"), "+cf", authority.AuthorityPem];
        string[] noCertificate = ["+tla", "+cf", authority.AuthorityPem];

        foreach (var (callingAE, options) in new[] { ("MODALITY", modality), ("WORKSTATION", workstationCertificate), ("UNBOUND", noCertificate), ("UNBOUND", modality) })
        {
            var echo = Dcmtk("echoscu", callingAE, port, options);
            Assert.True(echo.ExitCode == 0, $"{callingAE} with {string.Join(' ', options)}:\n{echo.Output}");
        }

        foreach (var (callingAE, options) in new[] { ("MODALITY", workstationCertificate), ("MODALITY", noCertificate), ("WORKSTATION", modality) })
        {
            var echo = Dcmtk("echoscu", callingAE, port, options);
            Assert.True(echo.ExitCode != 0, $"{callingAE} with {string.Join(' ', options)} got in:\n{echo.Output}");
            Assert.True(echo.Output.Contains("Result: Rejected Permanent, Source: Service User", StringComparison.Ordinal), echo.Output);
            Assert.True(echo.Output.Contains("Reason: Calling AE Title Not Recognized", StringComparison.Ordinal), echo.Output);
        }

        var refusals = logs.Entries.Where(entry => entry.EventId == 7730).Select(entry => entry.Message).ToList();
        Assert.Equal(3, refusals.Count);
        Assert.Contains(refusals, line => line.Contains("MODALITY", StringComparison.Ordinal) && line.Contains("bound to the certificate subject 'CN=MODALITY', the caller presented 'CN=WORKSTATION'", StringComparison.Ordinal));
        Assert.Contains(refusals, line => line.Contains("MODALITY", StringComparison.Ordinal) && line.Contains("presented none", StringComparison.Ordinal));
        Assert.Contains(refusals, line => line.Contains("WORKSTATION", StringComparison.Ordinal) && line.Contains("the caller presented 'CN=MODALITY'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("CertificateSubject", "CN=MODALITY", false, "need DICOM TLS that checks client certificates")]
    [InlineData("CertificateThumbprint", "12:34", true, "SHA-1 (40 hex digits) or SHA-256 (64)")]
    [InlineData("Tls", "true", true, "Tls is how the gateway calls the peer: it needs a Host and Port")]
    public async Task Certificate_bindings_and_TLS_peers_the_gateway_cannot_use_refuse_to_start_naming_the_setting(string setting, string value, bool withTls, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Peers:0:AETitle"] = "MODALITY", ["Peers:0:" + setting] = value };
        if (withTls)
        {
            settings["DicomTls:CertificateFile"] = authority.Path("server.pem");
            settings["DicomTls:KeyFile"] = authority.Path("server.key");
            settings["DicomTls:ClientCaFile"] = authority.AuthorityPem;
        }

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayInstance.StartAsync(cluster, settings));
        Assert.Contains("Gateway:Peers:0:", failure.Message, StringComparison.Ordinal);
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Output) Dcmtk(string tool, string callingAE, string port, string[] options, params string[] files)
    {
        var (exitCode, output, error) = ExternalTool.Run(
            tool, ["-v", "-aet", callingAE, "-aec", GatewayInstance.AETitle, .. options, "127.0.0.1", port, .. files], "dcmtk", timeout: TimeSpan.FromSeconds(60));
        return (exitCode, output + error);
    }
}
