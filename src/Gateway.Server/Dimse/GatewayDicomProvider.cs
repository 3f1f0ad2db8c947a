using System.Globalization;
using System.Runtime.CompilerServices;
using Gateway.Core.Archive;
using Gateway.Core.Audit;
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
/// the instances through the retrieve service (stored objects, or reconstructions). Each C-STORE (per instance),
/// C-FIND and C-MOVE or C-GET (per request) leaves an audit row naming the calling AE and its address.
/// </summary>
public sealed class GatewayDicomProvider(
    IngestService ingest,
    ArchiveQueryService queries,
    RetrieveService retrieve,
    IAuditTrail audit,
    IReadOnlyList<DicomPeer> moveDestinations) : IDicomServiceProvider
{
    public bool SupportsAbstractSyntax(string sopClassUid) => ArchiveNegotiation.SupportsAbstractSyntax(sopClassUid);

    public string? ChooseTransferSyntax(string sopClassUid, IReadOnlyList<string> proposed) => ArchiveNegotiation.ChooseTransferSyntax(sopClassUid, proposed);

    public async Task<StoreResult> StoreAsync(StoreRequest request, Stream dataSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        IngestResult result;
        try
        {
            result = await ingest.StoreDataSetAsync(dataSet, request.SopClassUid, request.SopInstanceUid, request.TransferSyntax, request.Association.CallingAE, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Record(request.Association, AuditAction.Store, AuditOutcome.SeriousFailure, null, null, request.SopInstanceUid, "not stored: " + exception.GetType().Name);
            throw;
        }

        Record(request.Association, AuditAction.Store, result.Succeeded ? AuditOutcome.Success : AuditOutcome.MinorFailure, result.StudyInstanceUid, result.SeriesInstanceUid, request.SopInstanceUid, result.Outcome.ToString());
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
        var (matcher, records) = await SearchAsync(request, cancellationToken).ConfigureAwait(false);
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
        var operation = request.MoveDestinationAE is { } destination ? "C-MOVE to " + destination.Trim() : "C-GET";
        var (study, series, instance) = (Uid(request.Identifier, DicomTags.StudyInstanceUID), Uid(request.Identifier, DicomTags.SeriesInstanceUID), Uid(request.Identifier, DicomTags.SOPInstanceUID));
        try
        {
            var selected = await SelectAsync(request, cancellationToken).ConfigureAwait(false);
            Record(request.Association, AuditAction.Retrieve, AuditOutcome.Success, study, series, instance, string.Create(CultureInfo.InvariantCulture, $"{operation}; level {request.Level}; {selected.Count} instances"));
            return selected;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Record(request.Association, AuditAction.Retrieve, AuditOutcome.MinorFailure, study, series, instance, $"{operation}; level {request.Level}; refused: {exception.GetType().Name}");
            throw;
        }
    }

    private async Task<IReadOnlyList<IRetrievableInstance>> SelectAsync(RetrieveRequest request, CancellationToken cancellationToken)
    {
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

    /// <summary>A C-FIND's matches, audited with the level and the keys' tags (never their values) and the number of matches.</summary>
    private async Task<(DicomQueryMatcher Matcher, IReadOnlyList<DicomDataset> Records)> SearchAsync(FindRequest request, CancellationToken cancellationToken)
    {
        var detail = $"level {request.Level}; keys {string.Join(',', request.Identifier.Select(element => element.Tag.ToString()))}";
        try
        {
            var level = DicomQueryLevels.Parse(request.Level, request.Model);
            var matcher = new DimseQuery(level, request.Identifier).Matcher;
            var records = await queries.FindAsync(level, matcher, 0, null, cancellationToken).ConfigureAwait(false);
            Record(request.Association, AuditAction.Query, AuditOutcome.Success, Uid(request.Identifier, DicomTags.StudyInstanceUID), null, null, string.Create(CultureInfo.InvariantCulture, $"{detail}; {records.Count} matches"));
            return (matcher, records);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Record(request.Association, AuditAction.Query, AuditOutcome.MinorFailure, Uid(request.Identifier, DicomTags.StudyInstanceUID), null, null, $"{detail}; refused: {exception.GetType().Name}");
            throw;
        }
    }

    /// <summary>The configured peer with this AE title (trailing spaces are not significant), or null (A801).</summary>
    public DicomPeer? ResolveMoveDestination(string aeTitle)
    {
        ArgumentNullException.ThrowIfNull(aeTitle);
        var wanted = aeTitle.Trim();
        return moveDestinations.FirstOrDefault(peer => string.Equals(peer.AETitle.Trim(), wanted, StringComparison.Ordinal));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>A single UID of the identifier (a list or a wildcard names no one object).</summary>
    private static string? Uid(DicomDataset identifier, DicomTag tag) =>
        identifier.GetString(tag) is { Length: > 0 and <= 64 } uid && uid.All(c => char.IsAsciiDigit(c) || c == '.') ? uid : null;

    private void Record(AssociationInfo association, string action, AuditOutcome outcome, string? study, string? series, string? instance, string detail) =>
        audit.Record(new AuditEvent(
            DateTimeOffset.UtcNow,
            action,
            outcome,
            new AuditActor(AuditActorKind.ApplicationEntity, association.CallingAE.Trim(), null, association.RemoteEndPoint?.Address is { } address ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString() : null),
            study,
            series,
            instance,
            detail));
}
