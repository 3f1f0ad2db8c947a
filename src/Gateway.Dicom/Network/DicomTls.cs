using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Dicom.Network;

/// <summary>Server side of DICOM TLS: the certificate to present and whether callers must present one too.</summary>
public sealed record DicomTlsServerOptions(X509Certificate2 Certificate)
{
    /// <summary>Ask every caller for a certificate and refuse the handshake without one that <see cref="TrustedCertificates"/> vouch for.</summary>
    public bool RequireClientCertificate { get; init; }

    /// <summary>
    /// The certificate authorities (or the very certificates) client certificates must chain to; the system store is
    /// not used for clients, so that a certificate any public CA issued does not let a caller in.
    /// </summary>
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

    /// <summary>TLS Web Client Authentication (RFC 5280 4.2.1.12).</summary>
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>
    /// Why the server refuses a client's certificate, or null when it accepts it: a client without one is let in only
    /// when none is required; one that presents a certificate must chain to <see cref="DicomTlsServerOptions.TrustedCertificates"/>
    /// (or be one of them), be within its validity and allow client authentication. Revocation is not checked (no CRL
    /// or OCSP is configured).
    /// </summary>
    public static string? ClientCertificateProblem(X509Certificate? certificate, DicomTlsServerOptions tls)
    {
        if (certificate is null)
        {
            return tls.RequireClientCertificate ? "the client presented no certificate" : null;
        }

        using var loaded = certificate is X509Certificate2 ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var leaf = loaded ?? (X509Certificate2)certificate;
        if (tls.TrustedCertificates.Any(candidate => candidate.Thumbprint == leaf.Thumbprint))
        {
            return null;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(tls.TrustedCertificates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(ClientAuthentication));
        if (tls.TrustedCertificates.Count > 0 && chain.Build(leaf))
        {
            return null;
        }

        var status = string.Join(", ", chain.ChainStatus.Select(each => each.Status).Distinct());
        return $"the client certificate '{leaf.Subject}' is not issued by a trusted CA ({(status.Length == 0 ? "no CA configured" : status)})";
    }

    /// <summary>Validates a server's certificate (a client's side) against the system store plus <paramref name="trusted"/>.</summary>
    public static bool ValidateServer(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection trusted)
    {
        if (certificate is null)
        {
            return false;
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
