namespace Gateway.Dicom.Network;

/// <summary>
/// The user information sub-items (PS3.7 D.3.3, PS3.8 9.3.2.3) that both sides of an association send:
/// what the request and the accept share, so one encoder and one decoder serve both.
/// </summary>
internal interface IAssociationUserInformation
{
    uint MaxPduLength { get; set; }

    string ImplementationClassUid { get; set; }

    string? ImplementationVersionName { get; set; }

    (ushort Invoked, ushort Performed)? AsyncOperationsWindow { get; set; }

    List<RoleSelection> RoleSelections { get; }

    List<ExtendedNegotiation> ExtendedNegotiations { get; }
}
