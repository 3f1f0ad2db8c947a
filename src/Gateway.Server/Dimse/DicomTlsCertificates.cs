using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Dicom.Network;
using Gateway.Server.Hosting;

namespace Gateway.Server.Dimse;

/// <summary>Loads the PEM files Gateway:DicomTls names into the DICOM server's TLS settings and those of the gateway's calls to TLS peers.</summary>
internal static class DicomTlsCertificates
{
    public static DicomTlsServerOptions? Load(DicomTlsOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Enabled)
        {
            return null;
        }

        try
        {
            return new DicomTlsServerOptions(WithUsableKey(settings.CertificateFile!, settings.KeyFile))
            {
                RequireClientCertificate = settings.RequireClientCertificate,
                TrustedCertificates = Authorities(settings),
            };
        }
        catch (CryptographicException exception)
        {
            throw new InvalidOperationException($"Gateway:DicomTls: cannot load {settings.CertificateFile}, {settings.KeyFile ?? "(key in the certificate file)"} or {settings.ClientCaFile ?? "(no client CA)"}: {exception.Message}", exception);
        }
    }

    /// <summary>How the gateway calls a peer over TLS: presenting ClientCertificateFile (when set), trusting the system store and ClientCaFile.</summary>
    public static DicomTlsClientOptions LoadClient(DicomTlsOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            return new DicomTlsClientOptions
            {
                ClientCertificate = settings.ClientCertificateFile is { } file ? WithUsableKey(file, settings.ClientKeyFile) : null,
                TrustedCertificates = Authorities(settings),
            };
        }
        catch (CryptographicException exception)
        {
            throw new InvalidOperationException($"Gateway:DicomTls: cannot load {settings.ClientCertificateFile}, {settings.ClientKeyFile ?? "(key in the certificate file)"} or {settings.ClientCaFile ?? "(no CA file)"}: {exception.Message}", exception);
        }
    }

    /// <summary>The certificate with its key, through PKCS#12, so that SslStream gets a private key it can use whatever the key's format.</summary>
    private static X509Certificate2 WithUsableKey(string certificateFile, string? keyFile)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    private static X509Certificate2Collection Authorities(DicomTlsOptions settings)
    {
        var trusted = new X509Certificate2Collection();
        if (settings.ClientCaFile is { } authorities)
        {
            trusted.ImportFromPemFile(authorities);
        }

        return trusted;
    }
}
