namespace Gateway.Dicom.Network;

/// <summary>
/// What a DICOM node does with the requests it receives. The server creates one provider per association
/// (its scope: a provider may hold a database connection for that association only) and disposes it when the
/// association ends. Members a provider does not support answer with the failure the standard names.
/// </summary>
public interface IDicomServiceProvider : IAsyncDisposable
{
    /// <summary>Whether the provider serves <paramref name="sopClassUid"/> (storage, verification, query/retrieve SOP classes).</summary>
    bool SupportsAbstractSyntax(string sopClassUid);

    /// <summary>The transfer syntax to accept from those proposed for a context (in the requestor's order), or null to reject them all.</summary>
    string? ChooseTransferSyntax(string sopClassUid, IReadOnlyList<string> proposed);

    /// <summary>
    /// Stores one instance. <paramref name="dataSet"/> delivers the data set as it arrives; it throws if the
    /// association ends first, in which case nothing of the instance may remain. Answer Success only once the
    /// instance is durable.
    /// </summary>
    Task<StoreResult> StoreAsync(StoreRequest request, Stream dataSet, CancellationToken cancellationToken);

    /// <summary>The matches of a C-FIND: one identifier per match, holding the requested return keys.</summary>
    IAsyncEnumerable<DicomDataset> FindAsync(FindRequest request, CancellationToken cancellationToken);

    /// <summary>The instances a C-MOVE or C-GET selects.</summary>
    Task<IReadOnlyList<IRetrievableInstance>> RetrieveAsync(RetrieveRequest request, CancellationToken cancellationToken);

    /// <summary>Where a C-MOVE destination AE listens, or null when it is not a known destination (A801).</summary>
    DicomPeer? ResolveMoveDestination(string aeTitle);
}
