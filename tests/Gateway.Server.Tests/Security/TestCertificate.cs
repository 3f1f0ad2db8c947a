using System.Net.Security;
using System.Net.Sockets;

namespace Gateway.Server.Tests.Security;

/// <summary>Throwaway self-signed certificates made by openssl, and the certificate a TLS handshake presents.</summary>
internal static class TestCertificate
{
    /// <summary>Writes a new self-signed certificate and its key (PEM) for 127.0.0.1; returns openssl's SHA-1 fingerprint of it.</summary>
    public static string Create(string certificateFile, string keyFile, string commonName)
    {
        ExternalTool.RunChecked("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", keyFile, "-out", certificateFile, "-days", "2", "-subj", "/CN=" + commonName,
            "-addext", "subjectAltName=IP:127.0.0.1"], "openssl");
        return Fingerprint(certificateFile);
    }

    /// <summary>openssl's SHA-1 fingerprint of a PEM certificate, as hex without colons (what X509Certificate's hash string is).</summary>
    public static string Fingerprint(string certificateFile)
    {
        var output = ExternalTool.RunChecked("openssl", ["x509", "-in", certificateFile, "-noout", "-fingerprint", "-sha1"], "openssl");
        return output[(output.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim().Replace(":", string.Empty, StringComparison.Ordinal);
    }

    /// <summary>
    /// The SHA-1 hash of the certificate the server at <paramref name="address"/> presents in a new TLS handshake
    /// (any certificate is accepted: which one it is is what the caller checks).
    /// </summary>
    public static async Task<string> PresentedAsync(Uri address)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port, TestContext.Current.CancellationToken);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions { TargetHost = address.Host, RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null },
            TestContext.Current.CancellationToken);
        return tls.RemoteCertificate!.GetCertHashString();
    }

    /// <summary>A client for the HTTPS address that trusts exactly the certificate with this SHA-1 hash (a pinned self-signed one).</summary>
    public static HttpClient PinnedClient(Uri address, string fingerprint) =>
        new(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == fingerprint })
        {
            BaseAddress = address,
        };
}
