namespace Gateway.Dicom.Network;

/// <summary>SOP Class Extended Negotiation (PS3.7 D.3.3.5): opaque application information, passed through.</summary>
public sealed record ExtendedNegotiation(string SopClassUid, ReadOnlyMemory<byte> ApplicationInformation);
