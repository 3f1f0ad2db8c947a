using System.Net;

namespace Gateway.Dicom.Network;

/// <summary>How a DICOM server listens and whom it lets in.</summary>
public sealed record DicomServerOptions
{
    /// <summary>The AE title callers must address (Called AE Title); others are rejected with reason 7.</summary>
    public string AETitle { get; init; } = "GATEWAY";

    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>The port to listen on; 0 picks a free one (see <see cref="DicomServer.Port"/>).</summary>
    public int Port { get; init; } = 11112;

    /// <summary>
    /// The allow-list: only these calling AE titles, each from its host where one is named and with its client
    /// certificate where one is bound (<see cref="DicomCaller.Certificate"/>), get an association
    /// (others: A-ASSOCIATE-RJ permanent, service user, reason 3), and each may use only its permissions (other
    /// requests: 0x0124, Refused: Not Authorized). Null lets every caller in with every permission.
    /// </summary>
    public IReadOnlyList<DicomCaller>? AllowedCallers { get; init; }

    /// <summary>
    /// Associations served at once; more are rejected as transient (local limit exceeded). Connections that have
    /// not sent their A-ASSOCIATE-RQ do not count: ARTIM (<see cref="DicomAssociationOptions.ArtimTimeout"/>) closes them.
    /// </summary>
    public int MaxAssociations { get; init; } = 64;

    /// <summary>
    /// Connections (associations, and connections yet to send their A-ASSOCIATE-RQ) open at once from one IP address;
    /// an association request beyond it is rejected as transient, local limit exceeded. 16 is more than a modality or
    /// PACS opens in parallel (DCMTK and most senders use one association, forwarding PACS 2-8), and a quarter of
    /// <see cref="MaxAssociations"/>, so one misbehaving host leaves the other slots to everyone else.
    /// </summary>
    public int MaxAssociationsPerAddress { get; init; } = 16;

    /// <summary>
    /// Asked for each new association: why this node cannot serve now (its storage is down), or null when it can.
    /// While it says why, associations are rejected as transient, temporary congestion (PS3.8 9.3.4), so no C-ECHO is
    /// answered Success and a sender retries later rather than failing its instances.
    /// </summary>
    public Func<string?>? Unavailable { get; init; }

    public DicomAssociationOptions Association { get; init; } = DicomAssociationOptions.Default;

    /// <summary>DICOM TLS (BCP 195): when set, every connection must complete a TLS handshake first.</summary>
    public DicomTlsServerOptions? Tls { get; init; }
}
