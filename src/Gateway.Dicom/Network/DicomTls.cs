using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Dicom.Network;

/// <summary>Server side of DICOM TLS: the certificate to present and whether callers must present one too.</summary>
public sealed record DicomTlsServerOptions(X509Certificate2 Certificate)
{
    public bool RequireClientCertificate { get; init; }

    /// <summary>Certificates (or their issuers) trusted for client authentication, in addition to the system store.</summary>
    public X509Certificate2Collection TrustedCertificates { get; init; } = [];
}

/// <summary>Client side of DICOM TLS: whom to trust and which certificate to present.</summary>
public sealed record DicomTlsClientOptions
{
    /// <summary>Name expected in the server's certificate; defaults to the host connected to.</summary>
    public string? TargetHost { get; init; }

    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Certificates (or issuers) trusted for the server, in addition to the system store.</summary>
    public X509Certificate2Collection TrustedCertificates { get; init; } = [];
}

/// <summary>
/// The BCP 195 profile of DICOM TLS (PS3.15 B.9): TLS 1.2 or 1.3 only, with the recommended AEAD cipher suites.
/// </summary>
internal static class DicomTls
{
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    public static CipherSuitesPolicy? CipherSuites { get; } = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()
        ? new CipherSuitesPolicy(
        [
            TlsCipherSuite.TLS_AES_128_GCM_SHA256,
            TlsCipherSuite.TLS_AES_256_GCM_SHA384,
            TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            TlsCipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
            TlsCipherSuite.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
        ])
        : null;

    /// <summary>Validates a peer certificate against the system store plus <paramref name="trusted"/>.</summary>
    public static bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, X509Certificate2Collection trusted, bool required)
    {
        if (certificate is null)
        {
            return !required;
        }

        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0 || trusted.Count == 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(trusted);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf) || trusted.Any(candidate => candidate.Thumbprint == leaf.Thumbprint);
    }
}
