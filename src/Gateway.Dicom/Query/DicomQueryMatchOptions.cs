namespace Gateway.Dicom.Query;

/// <summary>The implementation choices PS3.4 C.2.2.2 leaves to the SCP, stated in the conformance statement.</summary>
public sealed record DicomQueryMatchOptions
{
    public static DicomQueryMatchOptions Default { get; } = new();

    /// <summary>
    /// Whether single value and wild card matching of PN values ignores case (PS3.4 C.2.2.2.1 allows literal PN
    /// matching "insensitive to some or all aspects of case"); every other VR always matches case-sensitively.
    /// Default true: "smith^john" finds "SMITH^JOHN", as most archives do.
    /// </summary>
    public bool CaseInsensitivePersonNames { get; init; } = true;
}
