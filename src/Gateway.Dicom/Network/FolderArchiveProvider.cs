using System.Runtime.CompilerServices;
using Gateway.Dicom.Query;

namespace Gateway.Dicom.Network;

/// <summary>
/// The service provider of a <see cref="DicomFolderArchive"/>: verification, storage of every SOP class, and
/// query/retrieve (C-FIND, C-MOVE, C-GET) in the Patient Root and Study Root models over the archive's instances.
/// </summary>
/// <param name="archive">The archive served.</param>
/// <param name="moveDestinations">The nodes C-MOVE may send to, by AE title; others are refused with A801.</param>
public sealed class FolderArchiveProvider(DicomFolderArchive archive, IReadOnlyList<DicomPeer>? moveDestinations = null) : IDicomServiceProvider
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

    private readonly IReadOnlyList<DicomPeer> _moveDestinations = moveDestinations ?? [];

    public bool SupportsAbstractSyntax(string sopClassUid)
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
    public string? ChooseTransferSyntax(string sopClassUid, IReadOnlyList<string> proposed)
    {
        ArgumentNullException.ThrowIfNull(sopClassUid);
        ArgumentNullException.ThrowIfNull(proposed);
        return QueryRetrieveSopClasses.Contains(sopClassUid)
            ? proposed.FirstOrDefault(uid => uid == DicomTransferSyntax.ExplicitVRLittleEndian.Uid || uid == DicomTransferSyntax.ImplicitVRLittleEndian.Uid)
            : proposed.FirstOrDefault(uid => DicomTransferSyntax.TryGetKnown(uid, out _));
    }

    public Task<StoreResult> StoreAsync(StoreRequest request, Stream dataSet, CancellationToken cancellationToken) =>
        archive.StoreAsync(request, dataSet, cancellationToken);

    public async IAsyncEnumerable<DicomDataset> FindAsync(FindRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var matches = HierarchicalQuery.Find(archive.Instances, instance => instance.Header, request.Model, request.Level, request.Identifier);
        foreach (var match in matches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return match;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task<IReadOnlyList<IRetrievableInstance>> RetrieveAsync(RetrieveRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var selected = HierarchicalQuery.SelectForRetrieve(archive.Instances, instance => instance.Header, request.Model, request.Level, request.Identifier);
        return Task.FromResult<IReadOnlyList<IRetrievableInstance>>([.. selected]);
    }

    /// <summary>The configured destination with this AE title (trailing spaces are not significant).</summary>
    public DicomPeer? ResolveMoveDestination(string aeTitle)
    {
        ArgumentNullException.ThrowIfNull(aeTitle);
        var wanted = aeTitle.Trim();
        return _moveDestinations.FirstOrDefault(peer => string.Equals(peer.AETitle.Trim(), wanted, StringComparison.Ordinal));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
