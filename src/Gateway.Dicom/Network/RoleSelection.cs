namespace Gateway.Dicom.Network;

/// <summary>SCP/SCU Role Selection for one SOP class (PS3.7 D.3.3.4), as proposed or as accepted.</summary>
public sealed record RoleSelection(string SopClassUid, bool ScuRole, bool ScpRole);
