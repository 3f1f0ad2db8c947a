namespace Gateway.Dicom.Network;

/// <summary>
/// User Identity Negotiation (PS3.7 D.3.3.7): type 1 username, 2 username and passcode, 3 Kerberos,
/// 4 SAML, 5 JWT. Passed through to the service provider, which decides.
/// </summary>
public sealed record UserIdentity(byte Type, bool PositiveResponseRequested, ReadOnlyMemory<byte> PrimaryField, ReadOnlyMemory<byte> SecondaryField);
