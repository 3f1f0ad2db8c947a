namespace Gateway.Dicom.Network;

/// <summary>An A-ASSOCIATE accept (PS3.8 9.3.3): the result of each proposed context and the acceptor's user information.</summary>
public sealed class AssociationAccept : IAssociationUserInformation
{
    public string CallingAE { get; set; } = string.Empty;

    public string CalledAE { get; set; } = string.Empty;

    public string ApplicationContextName { get; set; } = AssociationRequest.DicomApplicationContext;

    public List<PresentationContext> PresentationContexts { get; } = [];

    public uint MaxPduLength { get; set; } = DicomNetworkDefaults.MaxPduLength;

    public string ImplementationClassUid { get; set; } = DicomImplementation.ClassUid;

    public string? ImplementationVersionName { get; set; } = DicomImplementation.VersionName;

    public (ushort Invoked, ushort Performed)? AsyncOperationsWindow { get; set; }

    public List<RoleSelection> RoleSelections { get; } = [];

    public List<ExtendedNegotiation> ExtendedNegotiations { get; } = [];

    /// <summary>The server response of User Identity Negotiation (0x59), when a positive response was requested.</summary>
    public ReadOnlyMemory<byte>? UserIdentityResponse { get; set; }
}
