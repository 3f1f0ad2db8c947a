namespace Gateway.Dicom;

/// <summary>How this toolkit identifies itself in file meta groups and association negotiation.</summary>
public static class DicomImplementation
{
    /// <summary>Implementation Class UID (a UUID-derived 2.25 UID, PS3.5 Annex B.2).</summary>
    public const string ClassUid = "2.25.283862079263085614593876838020167447206";

    /// <summary>Implementation Version Name (SH, at most 16 characters).</summary>
    public const string VersionName = "MEDVAE_GW_1";
}
