using Microsoft.Extensions.Logging;

namespace Gateway.Dicom.Network;

/// <summary>
/// One C-MOVE or C-GET (PS3.4 C.4.2, C.4.3): the instances the provider selects are sent with C-STORE
/// sub-operations, to the move destination over a new association or back over this one for C-GET, with a
/// pending response after each and a final response that counts completed, failed and warning sub-operations.
/// </summary>
internal sealed partial class RetrieveOperation(
    IDicomServiceProvider provider,
    AssociationInfo info,
    DicomCaller caller,
    DicomServerOptions options,
    DicomAssociation association,
    IncomingRequest request,
    ILogger logger)
{
    private readonly List<string> _failedInstances = [];
    private int _remaining;
    private int _completed;
    private int _failed;
    private int _warnings;

    private bool IsMove => request.Message.CommandField == DicomCommandField.CMoveRequest;

    private string Operation => IsMove ? "C-MOVE" : "C-GET";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var identifier = request.Message.Dataset;
        var level = identifier?.GetString(DicomTags.QueryRetrieveLevel);
        if (identifier is null || string.IsNullOrEmpty(level))
        {
            await FinalAsync(DicomStatus.IdentifierDoesNotMatchSopClass, "The identifier has no Query/Retrieve Level (0008,0052).").ConfigureAwait(false);
            return;
        }

        DicomPeer? destination = null;
        if (IsMove)
        {
            var destinationAE = request.Message.Command.GetString(DicomTags.MoveDestination) ?? string.Empty;
            destination = provider.ResolveMoveDestination(destinationAE);
            if (destination is null)
            {
                Log.UnknownDestination(logger, destinationAE, info.CallingAE);
                await FinalAsync(DicomStatus.MoveDestinationUnknown, $"Move destination '{destinationAE}' is not a known AE title.").ConfigureAwait(false);
                return;
            }

            if (!caller.MayMoveTo(destination.AETitle))
            {
                Log.DestinationNotAuthorized(logger, info.CallingAE, info.RemoteEndPoint, destination.AETitle);
                await FinalAsync(DicomStatus.NotAuthorized, $"{info.CallingAE} may not move to {destination.AETitle}.").ConfigureAwait(false);
                return;
            }
        }

        var instances = await provider.RetrieveAsync(new RetrieveRequest(info, DicomServiceDispatcher.ModelOf(request.Context.AbstractSyntax), level, identifier, destination?.AETitle), cancellationToken).ConfigureAwait(false);
        _remaining = instances.Count;
        if (instances.Count == 0)
        {
            await FinalAsync(DicomStatus.Success, null).ConfigureAwait(false);
            return;
        }

        DicomAssociation target;
        try
        {
            target = destination is null ? association : await OpenDestinationAsync(destination, instances, cancellationToken).ConfigureAwait(false);
        }
        catch (DicomNetworkException exception)
        {
            Log.DestinationFailed(logger, destination!.AETitle, exception.Message);
            _failed = instances.Count;
            _remaining = 0;
            _failedInstances.AddRange(instances.Select(instance => instance.SopInstanceUid));
            await FinalAsync(DicomStatus.OutOfResourcesUnableToPerformSubOperations, $"Cannot reach {destination.AETitle} at {destination.Host}:{destination.Port}: {exception.Message}").ConfigureAwait(false);
            return;
        }

        var cancelled = false;
        try
        {
            foreach (var instance in instances)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    cancelled = true;
                    break;
                }

                await SendAsync(target, instance).ConfigureAwait(false);
                if (_remaining > 0)
                {
                    await PendingAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (!ReferenceEquals(target, association))
            {
                await ReleaseQuietlyAsync(target).ConfigureAwait(false);
            }
        }

        Log.Completed(logger, Operation, info.CallingAE, _completed, _warnings, _failed, cancelled);
        if (cancelled)
        {
            await FinalAsync(DicomStatus.Cancel, null).ConfigureAwait(false);
        }
        else if (_failed == 0 && _warnings == 0)
        {
            await FinalAsync(DicomStatus.Success, null).ConfigureAwait(false);
        }
        else
        {
            var status = _completed + _warnings == 0 ? DicomStatus.OutOfResourcesUnableToPerformSubOperations : DicomStatus.SubOperationsCompleteWithFailures;
            await FinalAsync(status, $"{_failed} of {instances.Count} sub-operations failed.").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One C-STORE sub-operation. It is not cancelled once begun: a C-CANCEL of the C-MOVE or C-GET takes effect
    /// between sub-operations (C-STORE itself has no cancel, so cancelling it would send the destination a
    /// C-CANCEL it cannot act on and leave this operation waiting for a response). The end of either association
    /// still ends it.
    /// </summary>
    private async Task SendAsync(DicomAssociation target, IRetrievableInstance instance)
    {
        _remaining--;
        try
        {
            var file = await instance.OpenAsync(CancellationToken.None).ConfigureAwait(false);
            var originator = IsMove ? (info.CallingAE, request.Message.MessageId) : ((string, ushort)?)null;
            var status = await DicomStoreSender.SendAsync(target, file, originator, CancellationToken.None).ConfigureAwait(false);
            switch (status.Category)
            {
                case DicomStatusCategory.Success:
                    _completed++;
                    return;
                case DicomStatusCategory.Warning:
                    _warnings++;
                    return;
                default:
                    Log.SubOperationFailed(logger, instance.SopInstanceUid, status.ToString());
                    break;
            }
        }
        catch (DicomAssociationAbortedException) when (ReferenceEquals(target, association))
        {
            throw;
        }
        catch (Exception exception) when (exception is DicomException or IOException)
        {
            Log.SubOperationFailed(logger, instance.SopInstanceUid, exception.Message);
        }

        _failed++;
        _failedInstances.Add(instance.SopInstanceUid);
    }

    private async Task<DicomAssociation> OpenDestinationAsync(DicomPeer destination, IReadOnlyList<IRetrievableInstance> instances, CancellationToken cancellationToken)
    {
        var client = new DicomClient(destination.Host, destination.Port, destination.AETitle, new DicomClientOptions { CallingAE = options.AETitle, Association = options.Association, Tls = destination.Tls });
        var proposal = new AssociationRequest();
        DicomStoreSender.ProposeContexts(proposal, instances.Select(instance => (instance.SopClassUid, instance.TransferSyntax.Uid)));
        return await client.OpenAsync(proposal, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ReleaseQuietlyAsync(DicomAssociation target)
    {
        try
        {
            await target.ReleaseAsync().ConfigureAwait(false);
        }
        catch (DicomException)
        {
            // The sub-operations are counted already; a destination that does not release cleanly changes nothing.
        }

        await target.DisposeAsync().ConfigureAwait(false);
    }

    private Task PendingAsync()
    {
        var command = DicomMessage.ResponseCommand(request.Message, DicomStatus.Pending, hasDataSet: false);
        AddCounts(command, includeRemaining: true);
        return association.SendAsync(new DicomMessage(command, request.Context.Id), (DicomDataset?)null, CancellationToken.None);
    }

    private Task FinalAsync(DicomStatus status, string? errorComment)
    {
        DicomDataset? failedList = null;
        if (_failedInstances.Count > 0)
        {
            failedList = new DicomDataset();
            failedList.SetStrings(DicomTags.FailedSOPInstanceUIDList, DicomVR.UI, _failedInstances);
        }

        var command = DicomMessage.ResponseCommand(request.Message, status, hasDataSet: failedList is not null);
        AddCounts(command, includeRemaining: status == DicomStatus.Cancel);
        if (errorComment is not null && !status.IsSuccess)
        {
            command.SetString(DicomTags.ErrorComment, DicomVR.LO, errorComment.Length <= 64 ? errorComment : errorComment[..64]);
        }

        return association.SendAsync(new DicomMessage(command, request.Context.Id), failedList, CancellationToken.None);
    }

    private void AddCounts(DicomDataset command, bool includeRemaining)
    {
        if (includeRemaining)
        {
            command.SetValues(DicomTags.NumberOfRemainingSuboperations, DicomVR.US, (ushort)_remaining);
        }

        command.SetValues(DicomTags.NumberOfCompletedSuboperations, DicomVR.US, (ushort)_completed);
        command.SetValues(DicomTags.NumberOfFailedSuboperations, DicomVR.US, (ushort)_failed);
        command.SetValues(DicomTags.NumberOfWarningSuboperations, DicomVR.US, (ushort)_warnings);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3200, Level = LogLevel.Warning, Message = "C-MOVE from {CallingAE} names unknown destination {Destination}")]
        public static partial void UnknownDestination(ILogger logger, string destination, string callingAE);

        [LoggerMessage(EventId = 7732, Level = LogLevel.Warning, Message = "C-MOVE from {CallingAE} at {Remote} refused (0x0124, not authorized): the AE may not move to {Destination}")]
        public static partial void DestinationNotAuthorized(ILogger logger, string callingAE, System.Net.IPEndPoint? remote, string destination);

        [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "C-MOVE destination {Destination} cannot be reached: {Reason}")]
        public static partial void DestinationFailed(ILogger logger, string destination, string reason);

        [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Sub-operation C-STORE of {SopInstanceUid} failed: {Reason}")]
        public static partial void SubOperationFailed(ILogger logger, string sopInstanceUid, string reason);

        [LoggerMessage(EventId = 3203, Level = LogLevel.Information, Message = "{Operation} from {CallingAE}: {Completed} completed, {Warnings} warnings, {Failed} failed{Cancelled}")]
        private static partial void Completed(ILogger logger, string operation, string callingAE, int completed, int warnings, int failed, string cancelled);

        public static void Completed(ILogger logger, string operation, string callingAE, int completed, int warnings, int failed, bool cancelled) =>
            Completed(logger, operation, callingAE, completed, warnings, failed, cancelled ? ", cancelled" : string.Empty);
    }
}
