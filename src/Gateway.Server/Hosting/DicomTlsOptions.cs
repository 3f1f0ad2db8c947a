namespace Gateway.Server.Hosting;

/// <summary>Gateway:DicomTls: DICOM TLS (BCP 195) on the DICOM port, and whether callers must present a client certificate.</summary>
public sealed class DicomTlsOptions
{
    /// <summary>The gateway's certificate (PEM); with it set, the DICOM port speaks TLS only.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>Its private key (PEM); null when <see cref="CertificateFile"/> holds the key too.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The CA certificates (PEM) client certificates must be issued by; the system store is not used for clients.</summary>
    public string? ClientCaFile { get; set; }

    /// <summary>Refuse the TLS handshake of a caller without a certificate from <see cref="ClientCaFile"/>.</summary>
    public bool RequireClientCertificate { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificateFile);

    /// <summary>What is wrong with these settings, naming the setting, or null.</summary>
    public string? Problem()
    {
        if (!Enabled)
        {
            return KeyFile is not null || ClientCaFile is not null || RequireClientCertificate
                ? "Gateway:DicomTls:KeyFile, ClientCaFile and RequireClientCertificate need Gateway:DicomTls:CertificateFile."
                : null;
        }

        if (RequireClientCertificate && string.IsNullOrWhiteSpace(ClientCaFile))
        {
            return "Gateway:DicomTls:RequireClientCertificate needs Gateway:DicomTls:ClientCaFile, the CA that issues the callers' certificates.";
        }

        return new[] { ("CertificateFile", CertificateFile), ("KeyFile", KeyFile), ("ClientCaFile", ClientCaFile) }
            .Where(file => file.Item2 is not null && !File.Exists(file.Item2))
            .Select(file => $"Gateway:DicomTls:{file.Item1} {file.Item2} does not exist.")
            .FirstOrDefault();
    }
}
