using Gateway.Dicom.Network;

namespace Gateway.Dicom.Tests.Network;

/// <summary>A provider that accepts verification and every storage SOP class and keeps what it receives in memory.</summary>
internal sealed class SmokeProvider(List<byte[]> received) : IDicomServiceProvider
{
    public bool SupportsAbstractSyntax(string sopClassUid) =>
        sopClassUid == DicomUids.Verification || sopClassUid.StartsWith("1.2.840.10008.5.1.4.1.1.", StringComparison.Ordinal);

    public string? ChooseTransferSyntax(string sopClassUid, IReadOnlyList<string> proposed) => proposed[0];

    public async Task<StoreResult> StoreAsync(StoreRequest request, Stream dataSet, CancellationToken cancellationToken)
    {
        using var copy = new MemoryStream();
        await dataSet.CopyToAsync(copy, cancellationToken);
        lock (received)
        {
            received.Add(copy.ToArray());
        }

        return StoreResult.Success;
    }

    public IAsyncEnumerable<DicomDataset> FindAsync(FindRequest request, CancellationToken cancellationToken) => AsyncEnumerable.Empty<DicomDataset>();

    public Task<IReadOnlyList<IRetrievableInstance>> RetrieveAsync(RetrieveRequest request, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IRetrievableInstance>>([]);

    public DicomPeer? ResolveMoveDestination(string aeTitle) => null;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
