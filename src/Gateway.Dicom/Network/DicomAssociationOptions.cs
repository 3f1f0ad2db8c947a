namespace Gateway.Dicom.Network;

/// <summary>Timeouts and limits of an association (both roles).</summary>
public sealed record DicomAssociationOptions
{
    public static DicomAssociationOptions Default { get; } = new();

    /// <summary>ARTIM (PS3.8 9.1.5): how long to wait for the A-ASSOCIATE-RQ/AC/RJ and for A-RELEASE-RP.</summary>
    public TimeSpan ArtimTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>An association on which nothing arrives for this long is aborted.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a requestor waits for each DIMSE response.</summary>
    public TimeSpan DimseTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Largest P-DATA-TF PDU this side accepts (announced as Maximum Length Received).</summary>
    public uint MaxPduLength { get; init; } = DicomNetworkDefaults.MaxPduLength;
}
