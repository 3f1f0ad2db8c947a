using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Gateway.Server.Tests.Operations;

namespace Gateway.Server.Tests.Security.Dimse;

/// <summary>
/// Issue 16 point 3: DICOM TLS with client certificates required (Gateway:DicomTls), against DCMTK's echoscu and
/// storescu with certificates openssl made.
/// </summary>
public sealed class DimseTlsTests(OpensslAuthority authority, PostgresCluster cluster) : IClassFixture<OpensslAuthority>
{
    [Fact]
    public async Task With_client_certificates_required_only_a_caller_with_a_certificate_from_the_configured_CA_gets_through_the_TLS_handshake()
    {
        var logs = new LogCapture();
        await using var gateway = await GatewayInstance.StartAsync(
            cluster,
            new Dictionary<string, string?>
            {
                ["DicomTls:CertificateFile"] = authority.Path("server.pem"),
                ["DicomTls:KeyFile"] = authority.Path("server.key"),
                ["DicomTls:ClientCaFile"] = authority.AuthorityPem,
                ["DicomTls:RequireClientCertificate"] = "true",
            },
            builder => builder.Logging.AddProvider(logs));
        var port = gateway.DicomPort.ToString(CultureInfo.InvariantCulture);

        var withCertificate = Echo(port, "+tls", authority.Path("client.key"), authority.Path("client.pem"), "+cf", authority.AuthorityPem);
        Assert.True(withCertificate.ExitCode == 0, withCertificate.Output);

        var withoutCertificate = Echo(port, "+tla", "+cf", authority.AuthorityPem);
        Assert.True(withoutCertificate.ExitCode != 0, withoutCertificate.Output);

        var rogue = Echo(port, "+tls", authority.Path("rogue.key"), authority.Path("rogue.pem"), "+cf", authority.AuthorityPem);
        Assert.True(rogue.ExitCode != 0, rogue.Output);

        var plain = Echo(port);
        Assert.True(plain.ExitCode != 0, plain.Output);

        var refusals = logs.Entries.Where(entry => entry.EventId == 7734).Select(entry => entry.Message).ToList();
        Assert.Contains(refusals, line => line.Contains("no certificate", StringComparison.Ordinal));
        Assert.Contains(refusals, line => line.Contains("'CN=Rogue' is not issued by a trusted CA", StringComparison.Ordinal));

        if (TestData.SharedData is not null)
        {
            var file = TestData.RequireSharedData(GatewayChecks.CtFile);
            var (exitCode, output, error) = ExternalTool.Run(
                "storescu",
                ["+tls", authority.Path("client.key"), authority.Path("client.pem"), "+cf", authority.AuthorityPem, "-aec", GatewayInstance.AETitle, "127.0.0.1", port, file],
                "dcmtk",
                timeout: TimeSpan.FromSeconds(60));
            Assert.True(exitCode == 0 && !(output + error).Contains("Error", StringComparison.OrdinalIgnoreCase), output + error);
        }
    }

    [Fact]
    public async Task Required_client_certificates_without_a_client_CA_file_refuse_to_start_naming_the_setting()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
        {
            ["DicomTls:CertificateFile"] = authority.Path("server.pem"),
            ["DicomTls:KeyFile"] = authority.Path("server.key"),
            ["DicomTls:RequireClientCertificate"] = "true",
        }));
        Assert.Contains("Gateway:DicomTls:ClientCaFile", failure.Message, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Output) Echo(string port, params string[] options)
    {
        var (exitCode, output, error) = ExternalTool.Run("echoscu", [.. options, "-aec", GatewayInstance.AETitle, "127.0.0.1", port], "dcmtk", timeout: TimeSpan.FromSeconds(30));
        return (exitCode, output + error);
    }
}
