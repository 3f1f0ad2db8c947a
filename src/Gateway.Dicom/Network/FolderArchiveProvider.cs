namespace Gateway.Dicom.Network;

/// <summary>The service provider of a <see cref="DicomFolderArchive"/>: verification and storage of every SOP class.</summary>
public sealed class FolderArchiveProvider(DicomFolderArchive archive) : IDicomServiceProvider
{
    /// <summary>Storage SOP classes share this root (PS3.4 B.5; PS3.6 annex A).</summary>
    public const string StorageSopClassRoot = "1.2.840.10008.5.1.4.1.1.";

    public bool SupportsAbstractSyntax(string sopClassUid)
    {
        ArgumentNullException.ThrowIfNull(sopClassUid);
        return sopClassUid == DicomUids.Verification || sopClassUid.StartsWith(StorageSopClassRoot, StringComparison.Ordinal);
    }

    /// <summary>The first proposed syntax this library knows: instances are kept as they were sent.</summary>
    public string? ChooseTransferSyntax(string sopClassUid, IReadOnlyList<string> proposed)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        return proposed.FirstOrDefault(uid => DicomTransferSyntax.TryGetKnown(uid, out _));
    }

    public Task<StoreResult> StoreAsync(StoreRequest request, Stream dataSet, CancellationToken cancellationToken) =>
        archive.StoreAsync(request, dataSet, cancellationToken);

    public async IAsyncEnumerable<DicomDataset> FindAsync(FindRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }

    public Task<IReadOnlyList<IRetrievableInstance>> RetrieveAsync(RetrieveRequest request, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IRetrievableInstance>>([]);

    public DicomPeer? ResolveMoveDestination(string aeTitle) => null;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
