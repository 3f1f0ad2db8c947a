using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Dicom.Tests.Network;

/// <summary>
/// A throwaway certificate authority with a server certificate (localhost, 127.0.0.1) and a client certificate,
/// made once for the TLS tests; PEM copies of keys and certificates are written to a temporary folder for DCMTK and
/// OpenSSL (deleted on dispose). Nothing is committed.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    public TestCertificates()
    {
        Folder = Directory.CreateTempSubdirectory("gateway-net-tls-").FullName;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Gateway Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        Authority = caRequest.CreateSelfSigned(_now.AddDays(-1), _now.AddDays(7));
        Server = Issue("CN=localhost", "1.3.6.1.5.5.7.3.1", includeNames: true);
        Client = Issue("CN=Gateway Test Client", "1.3.6.1.5.5.7.3.2", includeNames: false);
        AuthorityPem = WritePem("ca.pem", Authority.ExportCertificatePem());
        (ServerKeyPem, ServerCertificatePem) = WriteKeyPair("server", Server);
        (ClientKeyPem, ClientCertificatePem) = WriteKeyPair("client", Client);
    }

    public string Folder { get; }

    public X509Certificate2 Authority { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Client { get; }

    public string AuthorityPem { get; }

    public string ServerKeyPem { get; }

    public string ServerCertificatePem { get; }

    public string ClientKeyPem { get; }

    public string ClientCertificatePem { get; }

    /// <summary>A self-signed certificate no one trusts (a server impersonating ours).</summary>
    public static X509Certificate2 Untrusted()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
    }

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
        Client.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    private X509Certificate2 Issue(string subject, string extendedKeyUsage, bool includeNames)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(extendedKeyUsage)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Authority, true, false));
        if (includeNames)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var issued = request.Create(Authority, _now.AddDays(-1), _now.AddDays(6), serial);
        using var withKey = issued.CopyWithPrivateKey(key);

        // Through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    private (string Key, string Certificate) WriteKeyPair(string name, X509Certificate2 certificate)
    {
        using var key = certificate.GetRSAPrivateKey()!;
        return (WritePem(name + ".key", key.ExportPkcs8PrivateKeyPem()), WritePem(name + ".pem", certificate.ExportCertificatePem()));
    }

    private string WritePem(string name, string pem)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, pem);
        return path;
    }
}
