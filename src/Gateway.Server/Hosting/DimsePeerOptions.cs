using System.ComponentModel;
using Gateway.Dicom.Network;

namespace Gateway.Server.Hosting;

/// <summary>
/// One entry of Gateway:Peers: a DICOM node the gateway knows. Written either as "AE=host:port" (a C-MOVE
/// destination that may also call with every permission, as before permissions existed) or as an object naming
/// what the AE may do.
/// </summary>
[TypeConverter(typeof(DimsePeerConverter))]
public sealed class DimsePeerOptions
{
    public string AETitle { get; set; } = string.Empty;

    /// <summary>The host the AE calls from and listens on; null: it may call from anywhere.</summary>
    public string? Host { get; set; }

    /// <summary>Where the AE listens for C-STORE: with <see cref="Host"/>, it is a C-MOVE destination.</summary>
    public int? Port { get; set; }

    /// <summary>What the AE may ask for when it calls (C-ECHO needs nothing); none unless listed.</summary>
    public List<DimsePermissions> Permissions { get; set; } = [];

    /// <summary>The destinations its C-MOVE may name; null: any peer with a host and port.</summary>
    public List<string>? MoveDestinations { get; set; }

    /// <summary>
    /// Call this peer over DICOM TLS (the associations of C-MOVE sub-operations to it): its certificate must be
    /// trusted by the system store or Gateway:DicomTls:ClientCaFile; the gateway presents Gateway:DicomTls:ClientCertificateFile.
    /// </summary>
    public bool Tls { get; set; }

    /// <summary>The subject (CN=CT01, O=Hospital) of the client certificate this AE must call with over DICOM TLS; null: any trusted one.</summary>
    public string? CertificateSubject { get; set; }

    /// <summary>The thumbprint (SHA-1 or SHA-256, hex) of the client certificate this AE must call with over DICOM TLS; null: any trusted one.</summary>
    public string? CertificateThumbprint { get; set; }

    public bool IsMoveDestination => Host is not null && Port is not null;

    public DimsePermissions Granted => Permissions.Aggregate(DimsePermissions.None, (all, each) => all | each);

    /// <summary>Whether this AE must call with a certain client certificate.</summary>
    public bool IsBoundToCertificate => !string.IsNullOrWhiteSpace(CertificateSubject) || !string.IsNullOrWhiteSpace(CertificateThumbprint);
}
