namespace Gateway.Dicom.Network;

/// <summary>Defaults of the DICOM network layer.</summary>
public static class DicomNetworkDefaults
{
    /// <summary>Maximum P-DATA-TF PDU length offered to peers (the variable field; DCMTK's default is 16 KB, most PACS use 16-128 KB).</summary>
    public const uint MaxPduLength = 116_794;

    /// <summary>Largest PDU accepted from a peer, whatever it announces; a guard against forged lengths.</summary>
    public const int MaxIncomingPduLength = 64 * 1024 * 1024;
}
