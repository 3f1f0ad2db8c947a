namespace Gateway.Dicom.Network;

/// <summary>
/// A known DICOM node: its AE title and where it listens (for C-MOVE destinations and calling-AE checks), and the
/// DICOM TLS to call it with (plain TCP when null).
/// </summary>
public sealed record DicomPeer(string AETitle, string Host, int Port, DicomTlsClientOptions? Tls = null);
