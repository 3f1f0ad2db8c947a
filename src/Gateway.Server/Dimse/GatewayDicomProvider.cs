using System.Runtime.CompilerServices;
using Gateway.Core.Archive;
using Gateway.Dicom;
using Gateway.Dicom.Network;

namespace Gateway.Server.Dimse;

/// <summary>
/// The gateway as a DICOM node, for one association: C-ECHO, and C-STORE into the archive (the sender is told
/// Success only once the instance is durable and indexed).
/// </summary>
public sealed class GatewayDicomProvider(IngestService ingest) : IDicomServiceProvider
{
    private const string StorageRoot = "1.2.840.10008.5.1.4.1.1.";

    public bool SupportsAbstractSyntax(string sopClassUid)
    {
        ArgumentNullException.ThrowIfNull(sopClassUid);
        return sopClassUid == DicomUids.Verification || sopClassUid.StartsWith(StorageRoot, StringComparison.Ordinal);
    }

    /// <summary>The sender's first choice among the syntaxes this gateway can read: instances are archived as sent.</summary>
    public string? ChooseTransferSyntax(string sopClassUid, IReadOnlyList<string> proposed)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        return proposed.FirstOrDefault(uid => DicomTransferSyntax.TryGetKnown(uid, out _));
    }

    public async Task<StoreResult> StoreAsync(StoreRequest request, Stream dataSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await ingest.StoreDataSetAsync(dataSet, request.SopClassUid, request.SopInstanceUid, request.TransferSyntax, request.Association.CallingAE, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            IngestOutcome.Stored or IngestOutcome.AlreadyStored => StoreResult.Success,
            IngestOutcome.Conflict => new StoreResult(DicomStatus.DuplicateSopInstance, result.Message),
            IngestOutcome.Busy => new StoreResult(DicomStatus.OutOfResources, result.Message),
            _ => new StoreResult(DicomStatus.CannotUnderstand, result.Message),
        };
    }

    public async IAsyncEnumerable<DicomDataset> FindAsync(FindRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }

    public Task<IReadOnlyList<IRetrievableInstance>> RetrieveAsync(RetrieveRequest request, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IRetrievableInstance>>([]);

    public DicomPeer? ResolveMoveDestination(string aeTitle) => null;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
