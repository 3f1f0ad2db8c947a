using Microsoft.Extensions.Logging;

namespace Gateway.Dicom.Network;

/// <summary>
/// The DIMSE-C service provider side (PS3.4 annexes A, B, C; PS3.7 9.1): turns the requests of one association
/// into calls of its <see cref="IDicomServiceProvider"/> and answers them with the statuses the standard defines,
/// including pending responses, C-CANCEL, and the C-STORE sub-operations of C-MOVE and C-GET. A request the
/// caller has no permission for is answered 0x0124, Refused: Not Authorized (PS3.7 C.5.x), and goes no further.
/// </summary>
internal sealed partial class DicomServiceDispatcher(IDicomServiceProvider provider, AssociationInfo info, DicomCaller caller, DicomServerOptions options, ILogger logger)
{
    public async Task HandleAsync(IncomingRequest request, DicomAssociation association, CancellationToken cancellationToken)
    {
        var message = request.Message;
        try
        {
            if (Needs(message.CommandField) is { } permission && !caller.May(permission))
            {
                await RefuseAsync(association, request, permission, cancellationToken).ConfigureAwait(false);
                return;
            }

            switch (message.CommandField)
            {
                case DicomCommandField.CEchoRequest:
                    await RespondAsync(association, request, DicomStatus.Success, cancellationToken).ConfigureAwait(false);
                    break;
                case DicomCommandField.CStoreRequest:
                    await StoreAsync(association, request, cancellationToken).ConfigureAwait(false);
                    break;
                case DicomCommandField.CFindRequest:
                    await FindAsync(association, request, cancellationToken).ConfigureAwait(false);
                    break;
                case DicomCommandField.CMoveRequest:
                case DicomCommandField.CGetRequest:
                    await new RetrieveOperation(provider, info, caller, options, association, request, logger).RunAsync(cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await RespondAsync(association, request, DicomStatus.UnrecognizedOperation, cancellationToken, $"{message.CommandField} is not supported.").ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception exception) when (exception is not DicomNetworkException and not OperationCanceledException && message.CommandField != DicomCommandField.CStoreRequest)
        {
            Log.OperationFailed(logger, message.CommandField.ToString(), info.CallingAE, exception.Message);
            await RespondAsync(association, request, DicomStatus.UnableToProcess, CancellationToken.None, exception.Message).ConfigureAwait(false);
        }
    }

    /// <summary>Sends the final response to <paramref name="request"/> (with an error comment for failures).</summary>
    internal static Task RespondAsync(DicomAssociation association, IncomingRequest request, DicomStatus status, CancellationToken cancellationToken, string? errorComment = null)
    {
        var command = DicomMessage.ResponseCommand(request.Message, status, hasDataSet: false);
        if (errorComment is not null && !status.IsSuccess)
        {
            command.SetString(DicomTags.ErrorComment, DicomVR.LO, Truncate(errorComment, 64));
        }

        return association.SendAsync(new DicomMessage(command, request.Context.Id), (DicomDataset?)null, cancellationToken);
    }

    private static DimsePermissions? Needs(DicomCommandField command) => command switch
    {
        DicomCommandField.CStoreRequest => DimsePermissions.Store,
        DicomCommandField.CFindRequest => DimsePermissions.Query,
        DicomCommandField.CGetRequest => DimsePermissions.Retrieve,
        DicomCommandField.CMoveRequest => DimsePermissions.Move,
        _ => null,
    };

    /// <summary>Answers 0x0124 to a request the caller may not make; a C-STORE's data set is read to its end first and dropped.</summary>
    private async Task RefuseAsync(DicomAssociation association, IncomingRequest request, DimsePermissions permission, CancellationToken cancellationToken)
    {
        var operation = permission switch
        {
            DimsePermissions.Store => "C-STORE",
            DimsePermissions.Query => "C-FIND",
            DimsePermissions.Retrieve => "C-GET",
            _ => "C-MOVE",
        };
        Log.NotAuthorized(logger, operation, info.CallingAE, info.RemoteEndPoint, permission);
        if (request.DataSetStream is { } dataSet)
        {
            await dataSet.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }

        await RespondAsync(association, request, DicomStatus.NotAuthorized, cancellationToken, $"{info.CallingAE} has no {permission} permission.").ConfigureAwait(false);
    }

    private async Task StoreAsync(DicomAssociation association, IncomingRequest request, CancellationToken cancellationToken)
    {
        var message = request.Message;
        var sopClass = message.AffectedSopClassUid ?? string.Empty;
        var sopInstance = message.AffectedSopInstanceUid ?? string.Empty;
        if (sopClass != request.Context.AbstractSyntax || sopInstance.Length == 0)
        {
            await RespondAsync(association, request, DicomStatus.DataSetDoesNotMatchSopClass, cancellationToken, "The Affected SOP Class UID differs from the presentation context's, or no Affected SOP Instance UID was given.").ConfigureAwait(false);
            return;
        }

        var store = new StoreRequest(info, sopClass, sopInstance, request.TransferSyntax, message.Command.GetString(DicomTags.MoveOriginatorApplicationEntityTitle));
        StoreResult result;
        try
        {
            result = await provider.StoreAsync(store, request.DataSetStream!, cancellationToken).ConfigureAwait(false);
        }
        catch (DicomAssociationAbortedException)
        {
            Log.StoreAborted(logger, sopInstance, info.CallingAE);
            throw;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.OperationFailed(logger, "C-STORE " + sopInstance, info.CallingAE, exception.Message);
            result = new StoreResult(DicomStatus.ProcessingFailure, exception.Message);
        }

        await RespondAsync(association, request, result.Status, cancellationToken, result.ErrorComment).ConfigureAwait(false);
    }

    private async Task FindAsync(DicomAssociation association, IncomingRequest request, CancellationToken cancellationToken)
    {
        var identifier = request.Message.Dataset;
        var level = identifier?.GetString(DicomTags.QueryRetrieveLevel);
        if (identifier is null || string.IsNullOrEmpty(level))
        {
            await RespondAsync(association, request, DicomStatus.IdentifierDoesNotMatchSopClass, cancellationToken, "The identifier has no Query/Retrieve Level (0008,0052).").ConfigureAwait(false);
            return;
        }

        var find = new FindRequest(info, ModelOf(request.Context.AbstractSyntax), level, identifier);
        var matches = 0;
        try
        {
            await foreach (var match in provider.FindAsync(find, cancellationToken).ConfigureAwait(false))
            {
                match.SetString(DicomTags.QueryRetrieveLevel, DicomVR.CS, level);
                var pending = new DicomMessage(DicomMessage.ResponseCommand(request.Message, DicomStatus.Pending, hasDataSet: true), request.Context.Id);
                await association.SendAsync(pending, match, cancellationToken).ConfigureAwait(false);
                matches++;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && association.Failure is null)
        {
            Log.Cancelled(logger, "C-FIND", info.CallingAE, matches);
            await RespondAsync(association, request, DicomStatus.Cancel, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        Log.FindCompleted(logger, info.CallingAE, level, matches);

        // Every match is out: a C-CANCEL arriving now changes nothing, and the final response must still be sent.
        await RespondAsync(association, request, DicomStatus.Success, CancellationToken.None).ConfigureAwait(false);
    }

    internal static QueryRetrieveModel ModelOf(string sopClassUid) =>
        sopClassUid.StartsWith("1.2.840.10008.5.1.4.1.2.1.", StringComparison.Ordinal) ? QueryRetrieveModel.PatientRoot : QueryRetrieveModel.StudyRoot;

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    private static partial class Log
    {
        [LoggerMessage(EventId = 3100, Level = LogLevel.Warning, Message = "{Operation} from {CallingAE} failed: {Reason}")]
        public static partial void OperationFailed(ILogger logger, string operation, string callingAE, string reason);

        [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "C-STORE of {SopInstanceUid} from {CallingAE} ended with the association; nothing was kept")]
        public static partial void StoreAborted(ILogger logger, string sopInstanceUid, string callingAE);

        [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "{Operation} from {CallingAE} cancelled after {Count} responses")]
        public static partial void Cancelled(ILogger logger, string operation, string callingAE, int count);

        [LoggerMessage(EventId = 7731, Level = LogLevel.Warning, Message = "{Operation} from {CallingAE} at {Remote} refused (0x0124, not authorized): the AE has no {Permission} permission")]
        public static partial void NotAuthorized(ILogger logger, string operation, string callingAE, System.Net.IPEndPoint? remote, DimsePermissions permission);

        [LoggerMessage(EventId = 3103, Level = LogLevel.Debug, Message = "C-FIND from {CallingAE} at level {Level}: {Matches} matches")]
        public static partial void FindCompleted(ILogger logger, string callingAE, string level, int matches);
    }
}
