using System.Runtime.CompilerServices;
using Gateway.Core.Archive;
using Gateway.Core.Query;
using Gateway.Core.Retrieve;
using Gateway.Dicom;
using Gateway.Dicom.Network;
using Gateway.Dicom.Query;

namespace Gateway.Server.Dimse;

/// <summary>
/// The gateway as a DICOM node, for one association: C-ECHO; C-STORE into the archive (the sender is told Success
/// only once the instance is durable and indexed); C-FIND in the Patient Root and Study Root models by the
/// hierarchical method, through the same query layer as QIDO-RS; C-MOVE to the configured peers and C-GET, reading
/// the instances through the retrieve service (stored objects, or reconstructions).
/// </summary>
public sealed class GatewayDicomProvider(
    IngestService ingest,
    ArchiveQueryService queries,
    RetrieveService retrieve,
    IReadOnlyList<DicomPeer> moveDestinations) : IDicomServiceProvider
{
    public bool SupportsAbstractSyntax(string sopClassUid) => ArchiveNegotiation.SupportsAbstractSyntax(sopClassUid);

    public string? ChooseTransferSyntax(string sopClassUid, IReadOnlyList<string> proposed) => ArchiveNegotiation.ChooseTransferSyntax(sopClassUid, proposed);

    public async Task<StoreResult> StoreAsync(StoreRequest request, Stream dataSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = await ingest.StoreDataSetAsync(dataSet, request.SopClassUid, request.SopInstanceUid, request.TransferSyntax, request.Association.CallingAE, cancellationToken).ConfigureAwait(false);
        return result.Outcome switch
        {
            IngestOutcome.Stored or IngestOutcome.AlreadyStored => StoreResult.Success,
            IngestOutcome.Conflict => new StoreResult(DicomStatus.DuplicateSopInstance, result.Message),
            IngestOutcome.Busy => new StoreResult(DicomStatus.OutOfResources, result.Message),
            IngestOutcome.InvalidPixelData => new StoreResult(DicomStatus.DataSetDoesNotMatchSopClass, result.Message),
            IngestOutcome.PatientConflict => new StoreResult(new DicomStatus(DicomWeb.Stow.StowFailureReason.PatientConflict), result.Message),
            _ => new StoreResult(DicomStatus.CannotUnderstand, result.Message),
        };
    }

    public async IAsyncEnumerable<DicomDataset> FindAsync(FindRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var level = DicomQueryLevels.Parse(request.Level, request.Model);
        var matcher = new DimseQuery(level, request.Identifier).Matcher;
        var records = await queries.FindAsync(level, matcher, 0, null, cancellationToken).ConfigureAwait(false);
        foreach (var record in records)
        {
            yield return matcher.BuildResponse(record);
        }
    }

    /// <summary>
    /// The instances whose unique key at the identifier's level is one of the values given, within the entities the
    /// unique keys of the levels above name where given (PS3.4 C.4.2.2.1, C.4.3.2.1).
    /// </summary>
    public async Task<IReadOnlyList<IRetrievableInstance>> RetrieveAsync(RetrieveRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var level = DicomQueryLevels.Parse(request.Level, request.Model);
        var searchLevel = level == DicomQueryLevel.Patient ? DicomQueryLevel.Study : level;
        var matcher = new DicomQueryMatcher(DimseQuery.RetrieveKeys(request.Model, level, request.Identifier));
        var records = await queries.FindAsync(searchLevel, matcher, 0, null, cancellationToken).ConfigureAwait(false);
        var selected = new List<IRetrievableInstance>();
        foreach (var record in records)
        {
            var scope = new RetrieveScope(
                record.GetString(DicomTags.StudyInstanceUID)!,
                searchLevel >= DicomQueryLevel.Series ? record.GetString(DicomTags.SeriesInstanceUID) : null,
                searchLevel == DicomQueryLevel.Image ? record.GetString(DicomTags.SOPInstanceUID) : null);
            var located = await retrieve.LocateAsync(scope, cancellationToken).ConfigureAwait(false);
            selected.AddRange(located.Select(instance => new ArchiveRetrievableInstance(instance, retrieve)));
        }

        return selected;
    }

    /// <summary>The configured peer with this AE title (trailing spaces are not significant), or null (A801).</summary>
    public DicomPeer? ResolveMoveDestination(string aeTitle)
    {
        ArgumentNullException.ThrowIfNull(aeTitle);
        var wanted = aeTitle.Trim();
        return moveDestinations.FirstOrDefault(peer => string.Equals(peer.AETitle.Trim(), wanted, StringComparison.Ordinal));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
