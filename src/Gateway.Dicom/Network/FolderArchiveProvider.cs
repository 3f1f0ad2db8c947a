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
    private readonly IReadOnlyList<DicomPeer> _moveDestinations = moveDestinations ?? [];

    public bool SupportsAbstractSyntax(string sopClassUid) => ArchiveNegotiation.SupportsAbstractSyntax(sopClassUid);

    public string? ChooseTransferSyntax(string sopClassUid, IReadOnlyList<string> proposed) => ArchiveNegotiation.ChooseTransferSyntax(sopClassUid, proposed);

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
