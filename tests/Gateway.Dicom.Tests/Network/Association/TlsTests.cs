using System.Globalization;
using Gateway.Dicom.Network;

namespace Gateway.Dicom.Tests.Network;

/// <summary>
/// DICOM TLS (the BCP 195 profile, PS3.15 B.9) on both sides against DCMTK built with OpenSSL, with certificates
/// made for the run: mutual authentication works, and plaintext, certificate-less, untrusted and TLS 1.0/1.1-only
/// peers are refused.
/// </summary>
public sealed class TlsTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    private readonly TestCertificates _certificates = certificates;

    [Fact]
    public async Task Echoscu_and_storescu_with_client_certificates_reach_our_TLS_server()
    {
        var files = InteropFiles.Mr().Take(20).ToList();
        await using var server = StartTlsServer();

        var (echoCode, echoLog) = await Echoscu.RunAsync(server.Port, server.AETitle, "ECHOSCU", [.. DcmtkClientTls()]);
        Assert.True(echoCode == 0 && echoLog.Contains("Received Echo Response (Success)", StringComparison.Ordinal), echoLog);

        var log = await Storescu.RunAsync(Storescu.Arguments(Proposal.Explicit, null, server.AETitle, server.Port, files, [.. DcmtkClientTls()]));
        Storescu.AssertAllSucceeded(log, files.Count);
        Assert.All(files, file => Assert.Null(Part10Bytes.FirstDifference(Part10Bytes.Read(file.Path).DataSet, Part10Bytes.Read(server.Archive.PathOf(file.SopInstanceUid)).DataSet)));
    }

    [Fact]
    public async Task Plaintext_and_certificate_less_peers_are_refused_and_the_server_goes_on()
    {
        await using var server = StartTlsServer();

        var (plainCode, plainLog) = await Echoscu.RunAsync(server.Port, server.AETitle);
        Assert.True(plainCode != 0, "a plaintext echoscu got through: " + plainLog);

        // Anonymous TLS: encrypted, but no certificate to show.
        var (anonymousCode, anonymousLog) = await Echoscu.RunAsync(server.Port, server.AETitle, "ECHOSCU", "+tla", "+cf", _certificates.AuthorityPem);
        Assert.True(anonymousCode != 0, "echoscu without a client certificate got through: " + anonymousLog);

        var (echoCode, echoLog) = await Echoscu.RunAsync(server.Port, server.AETitle, "ECHOSCU", [.. DcmtkClientTls()]);
        Assert.True(echoCode == 0, echoLog);
    }

    [Theory]
    [InlineData("-tls1")]
    [InlineData("-tls1_1")]
    public async Task A_TLS_1_0_or_1_1_only_peer_gets_a_protocol_version_alert_from_our_server(string version)
    {
        await using var server = StartTlsServer();

        // SECLEVEL=0 lets OpenSSL 3 offer the old protocol at all; our server must be the one saying no.
        var (exitCode, output) = await PeerProcess.RunAsync(
            "openssl",
            ["s_client", "-connect", "127.0.0.1:" + server.Port.ToString(CultureInfo.InvariantCulture), version, "-cipher", "DEFAULT@SECLEVEL=0",
             "-cert", _certificates.ClientCertificatePem, "-key", _certificates.ClientKeyPem, "-CAfile", _certificates.AuthorityPem],
            "openssl");

        Assert.True(exitCode != 0, output);
        Assert.True(output.Contains("alert protocol version", StringComparison.Ordinal), output);
    }

    [Fact]
    public async Task Our_client_stores_over_TLS_into_storescp_with_mutual_authentication()
    {
        var files = InteropFiles.Mr().Take(20).ToList();
        // -rc: storescp requires our client certificate; -d: it logs the TLS connection details it negotiated.
        using var storescp = await StorescpPeer.StartAsync("TLSSCP", "-d", "+tls", _certificates.ServerKeyPem, _certificates.ServerCertificatePem, "+cf", _certificates.AuthorityPem, "-rc");

        var outcomes = await TlsClient(storescp.Port, storescp.AETitle).StoreAsync([.. files.Select(file => file.Path)], TestContext.Current.CancellationToken);

        Assert.All(outcomes, outcome => Assert.True(outcome.Succeeded, outcome.Error));
        var received = storescp.ReceivedFiles();
        Assert.All(files, file => Assert.Null(Part10Bytes.FirstDifference(Part10Bytes.Read(file.Path).DataSet, Part10Bytes.Read(received[file.SopInstanceUid]).DataSet)));
        Assert.Contains("Transport connection: TLS over TCP/IP", storescp.Output, StringComparison.Ordinal);
        Assert.Matches(@"Protocol\s*: TLSv1\.[23]", storescp.Output);
    }

    [Fact]
    public async Task Our_client_refuses_a_server_whose_certificate_it_does_not_trust()
    {
        using var untrusted = TestCertificates.Untrusted();
        await using var server = ArchiveServer.Start("IMPOSTOR", options => options with { Tls = new DicomTlsServerOptions(untrusted) });

        var failure = await Record.ExceptionAsync(() => TlsClient(server.Port, "IMPOSTOR").EchoAsync(TestContext.Current.CancellationToken));

        Assert.True(failure is System.Security.Authentication.AuthenticationException or DicomNetworkException, failure?.ToString() ?? "the echo succeeded");
        Assert.Empty(server.StoredFiles());
    }

    [Fact]
    public async Task Our_client_refuses_a_TLS_1_1_only_server()
    {
        var port = FreePort.Next();
        using var legacy = PeerProcess.Start(
            "openssl",
            ["s_server", "-accept", port.ToString(CultureInfo.InvariantCulture), "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0",
             "-cert", _certificates.ServerCertificatePem, "-key", _certificates.ServerKeyPem, "-naccept", "1"],
            "openssl");
        await legacy.WaitForPortAsync(port);

        var failure = await Record.ExceptionAsync(() => TlsClient(port, "LEGACY").EchoAsync(TestContext.Current.CancellationToken));

        Assert.True(failure is System.Security.Authentication.AuthenticationException or DicomNetworkException, failure?.ToString() ?? "the echo succeeded");
        await legacy.WaitForExitAsync(TimeSpan.FromSeconds(10));
        // OpenSSL found no protocol in our ClientHello that it would speak (we offer only TLS 1.2 and 1.3).
        Assert.True(legacy.Output.Contains("unsupported protocol", StringComparison.Ordinal), legacy.Output);
    }

    private ArchiveServer StartTlsServer() => ArchiveServer.Start("TLSGW", options => options with
    {
        Tls = new DicomTlsServerOptions(_certificates.Server) { RequireClientCertificate = true, TrustedCertificates = [_certificates.Authority] },
    });

    /// <summary>DCMTK client options: our client certificate, and the test CA to verify the server with.</summary>
    private string[] DcmtkClientTls() => ["+tls", _certificates.ClientKeyPem, _certificates.ClientCertificatePem, "+cf", _certificates.AuthorityPem];

    private DicomClient TlsClient(int port, string calledAE) => new("127.0.0.1", port, calledAE, new DicomClientOptions
    {
        Tls = new DicomTlsClientOptions
        {
            TargetHost = "localhost",
            ClientCertificate = _certificates.Client,
            TrustedCertificates = [_certificates.Authority],
        },
    });
}
