namespace Gateway.Dicom.Network;

/// <summary>
/// What an archive node (a store that also answers queries and retrieves) accepts at association time: the
/// presentation contexts and transfer syntaxes shared by every <see cref="IDicomServiceProvider"/> of that kind.
/// </summary>
public static class ArchiveNegotiation
{
    /// <summary>Storage SOP classes share this root (PS3.4 B.5; PS3.6 annex A).</summary>
    public const string StorageSopClassRoot = "1.2.840.10008.5.1.4.1.1.";

    private static readonly HashSet<string> QueryRetrieveSopClasses =
    [
        DicomUids.PatientRootQueryRetrieveInformationModelFind,
        DicomUids.PatientRootQueryRetrieveInformationModelMove,
        DicomUids.PatientRootQueryRetrieveInformationModelGet,
        DicomUids.StudyRootQueryRetrieveInformationModelFind,
        DicomUids.StudyRootQueryRetrieveInformationModelMove,
        DicomUids.StudyRootQueryRetrieveInformationModelGet,
    ];

    /// <summary>Verification, every storage SOP class, and patient/study root FIND, MOVE and GET.</summary>
    public static bool SupportsAbstractSyntax(string sopClassUid)
    {
        ArgumentNullException.ThrowIfNull(sopClassUid);
        return sopClassUid == DicomUids.Verification
            || sopClassUid.StartsWith(StorageSopClassRoot, StringComparison.Ordinal)
            || QueryRetrieveSopClasses.Contains(sopClassUid);
    }

    /// <summary>
    /// Query/retrieve identifiers in explicit or implicit VR little endian, the first of those proposed; for
    /// storage the first proposed syntax this library knows, as instances are kept as they were sent.
    /// </summary>
    public static string? ChooseTransferSyntax(string sopClassUid, IReadOnlyList<string> proposed)
    {
        ArgumentNullException.ThrowIfNull(sopClassUid);
        ArgumentNullException.ThrowIfNull(proposed);
        return QueryRetrieveSopClasses.Contains(sopClassUid)
            ? proposed.FirstOrDefault(uid => uid == DicomTransferSyntax.ExplicitVRLittleEndian.Uid || uid == DicomTransferSyntax.ImplicitVRLittleEndian.Uid)
            : proposed.FirstOrDefault(uid => DicomTransferSyntax.TryGetKnown(uid, out _));
    }
}
