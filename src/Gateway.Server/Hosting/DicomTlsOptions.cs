namespace Gateway.Server.Hosting;

/// <summary>
/// Gateway:DicomTls: DICOM TLS (BCP 195) on the DICOM port, whether callers must present a client certificate, and
/// the certificate the gateway presents when it calls a peer over TLS (Gateway:Peers:N:Tls).
/// </summary>
public sealed class DicomTlsOptions
{
    /// <summary>The gateway's certificate (PEM); with it set, the DICOM port speaks TLS only.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>Its private key (PEM); null when <see cref="CertificateFile"/> holds the key too.</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// The CA certificates (PEM) of the hospital's peers: client certificates must be issued by them (the system store
    /// is not used for clients), and the certificates of peers the gateway calls over TLS may be (besides the system store).
    /// </summary>
    public string? ClientCaFile { get; set; }

    /// <summary>The certificate (PEM, with client authentication among its uses) the gateway presents when it calls a peer over TLS; none when unset.</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>Its private key (PEM); null when <see cref="ClientCertificateFile"/> holds the key too.</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>Refuse the TLS handshake of a caller without a certificate from <see cref="ClientCaFile"/>.</summary>
    public bool RequireClientCertificate { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificateFile);

    /// <summary>What is wrong with these settings, naming the setting, or null.</summary>
    public string? Problem()
    {
        if (!Enabled && (KeyFile is not null || RequireClientCertificate))
        {
            return "Gateway:DicomTls:KeyFile and RequireClientCertificate need Gateway:DicomTls:CertificateFile.";
        }

        if (RequireClientCertificate && string.IsNullOrWhiteSpace(ClientCaFile))
        {
            return "Gateway:DicomTls:RequireClientCertificate needs Gateway:DicomTls:ClientCaFile, the CA that issues the callers' certificates.";
        }

        if (ClientKeyFile is not null && ClientCertificateFile is null)
        {
            return "Gateway:DicomTls:ClientKeyFile needs Gateway:DicomTls:ClientCertificateFile.";
        }

        return new[] { ("CertificateFile", CertificateFile), ("KeyFile", KeyFile), ("ClientCaFile", ClientCaFile), ("ClientCertificateFile", ClientCertificateFile), ("ClientKeyFile", ClientKeyFile) }
            .Where(file => file.Item2 is not null && !File.Exists(file.Item2))
            .Select(file => $"Gateway:DicomTls:{file.Item1} {file.Item2} does not exist.")
            .FirstOrDefault();
    }
}
