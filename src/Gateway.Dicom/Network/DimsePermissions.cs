namespace Gateway.Dicom.Network;

/// <summary>The DIMSE services a calling AE may ask for; C-ECHO needs none.</summary>
[Flags]
public enum DimsePermissions
{
    None = 0,

    /// <summary>C-STORE.</summary>
    Store = 1,

    /// <summary>C-FIND.</summary>
    Query = 2,

    /// <summary>C-GET.</summary>
    Retrieve = 4,

    /// <summary>C-MOVE, as its requestor.</summary>
    Move = 8,

    All = Store | Query | Retrieve | Move,
}
