using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Dicom.Network;
using Gateway.Server.Hosting;

namespace Gateway.Server.Dimse;

/// <summary>Loads the PEM files Gateway:DicomTls names into the DICOM server's TLS settings.</summary>
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
            using var pem = X509Certificate2.CreateFromPemFile(settings.CertificateFile!, settings.KeyFile);

            // Through PKCS#12, so that SslStream gets a private key it can use whatever the key's format.
            var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            var trusted = new X509Certificate2Collection();
            if (settings.ClientCaFile is { } authorities)
            {
                trusted.ImportFromPemFile(authorities);
            }

            return new DicomTlsServerOptions(certificate) { RequireClientCertificate = settings.RequireClientCertificate, TrustedCertificates = trusted };
        }
        catch (CryptographicException exception)
        {
            throw new InvalidOperationException($"Gateway:DicomTls: cannot load {settings.CertificateFile}, {settings.KeyFile ?? "(key in the certificate file)"} or {settings.ClientCaFile ?? "(no client CA)"}: {exception.Message}", exception);
        }
    }
}
