using System.Collections.Concurrent;
using System.Threading.Channels;
using Gateway.Dicom.IO;
using Gateway.Dicom.Network.Pdu;

namespace Gateway.Dicom.Network;

/// <summary>
/// An established association (either role): receives PDUs, reassembles DIMSE messages from P-DATA fragments,
/// hands requests to a handler one at a time (Asynchronous Operations Window 1), routes responses to the
/// requests this side sent, honours C-CANCEL, and ends by release or abort.
/// </summary>
public sealed class DicomAssociation : IAsyncDisposable
{
    private readonly PduChannel _channel;
    private readonly DicomAssociationOptions _options;
    private readonly bool _isRequestor;
    private readonly Dictionary<byte, PresentationContext> _contexts;
    private readonly Channel<IncomingRequest> _requests = Channel.CreateUnbounded<IncomingRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<ushort, Channel<DicomMessage>> _outstanding = new();
    private readonly ConcurrentDictionary<ushort, CancellationTokenSource> _running = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _releaseResponse = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Func<IncomingRequest, DicomAssociation, CancellationToken, Task>? _handler;
    private Task? _receiveLoop;
    private int _nextMessageId;
    private int _ended;

    internal DicomAssociation(PduChannel channel, AssociationRequest request, AssociationAccept accept, bool isRequestor, DicomAssociationOptions options)
    {
        _channel = channel;
        Request = request;
        Accept = accept;
        _isRequestor = isRequestor;
        _options = options;
        _contexts = accept.PresentationContexts.Where(context => context.IsAccepted).ToDictionary(context => context.Id);
    }

    public AssociationRequest Request { get; }

    public AssociationAccept Accept { get; }

    public string CallingAE => Request.CallingAE;

    public string CalledAE => Request.CalledAE;

    public IEnumerable<PresentationContext> AcceptedContexts => _contexts.Values;

    /// <summary>
    /// Largest PDU body read from the peer: what this side announced (at least 16 KB, for peers that round up), or
    /// the guard against forged lengths when it announced 0, which means no limit (PS3.8 D.1).
    /// </summary>
    private int IncomingPduLimit => _options.MaxPduLength == 0
        ? DicomNetworkDefaults.MaxIncomingPduLength
        : (int)Math.Min(DicomNetworkDefaults.MaxIncomingPduLength, Math.Max(_options.MaxPduLength, 16384) + 6L);

    /// <summary>Largest PDU the peer accepts (0: no limit).</summary>
    public uint PeerMaxPduLength => _isRequestor ? Accept.MaxPduLength : Request.MaxPduLength;

    /// <summary>Completes when the association has ended, by release, abort or a dropped connection.</summary>
    public Task Completion => _receiveLoop ?? Task.CompletedTask;

    /// <summary>Why the association ended abnormally; null while it runs or after a release.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>An accepted context for <paramref name="sopClassUid"/>, preferring <paramref name="transferSyntax"/>.</summary>
    public PresentationContext? FindContext(string sopClassUid, string? transferSyntax = null)
    {
        var candidates = _contexts.Values.Where(context => context.AbstractSyntax == sopClassUid).OrderBy(context => context.Id).ToList();
        return candidates.FirstOrDefault(context => context.AcceptedTransferSyntax == transferSyntax) ?? candidates.FirstOrDefault();
    }

    /// <summary>Starts receiving; requests from the peer go to <paramref name="handler"/> one at a time.</summary>
    public void Start(Func<IncomingRequest, DicomAssociation, CancellationToken, Task>? handler)
    {
        if (_receiveLoop is not null)
        {
            throw new InvalidOperationException("The association is already running.");
        }

        _handler = handler;
        var worker = Task.Run(ProcessRequestsAsync);
        _receiveLoop = Task.Run(async () =>
        {
            try
            {
                await ReceiveAsync().ConfigureAwait(false);
            }
            finally
            {
                _requests.Writer.TryComplete();
                await worker.ConfigureAwait(false);
                await _channel.DisposeAsync().ConfigureAwait(false);
            }
        });
    }

    public ushort NextMessageId() => (ushort)(Interlocked.Increment(ref _nextMessageId) & 0xFFFF);

    /// <summary>
    /// Sends one message: the command set, then the data set written by <paramref name="writeDataSet"/>.
    /// <paramref name="cancellationToken"/> can stop it only before its first fragment is sent.
    /// </summary>
    public async Task SendAsync(DicomMessage message, Func<Stream, CancellationToken, Task>? writeDataSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Volatile.Read(ref _ended) != 0)
        {
            throw new DicomAssociationAbortedException("The association has ended.");
        }

        var command = EncodeCommand(message.Command);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        using (await _channel.LockAsync(linked.Token).ConfigureAwait(false))
        {
            // Once its first fragment is out a message must be finished, whatever becomes of the operation (a
            // C-CANCEL, say): the peer would take the next message's command for the rest of this one's data set.
            // Only the end of the association stops it now.
            var whole = _lifetime.Token;
            var commandWriter = new PDataWriter(_channel, message.PresentationContextId, command: true, PeerMaxPduLength);
            await commandWriter.WriteAsync(command, whole).ConfigureAwait(false);
            await commandWriter.CompleteAsync(whole).ConfigureAwait(false);
            if (writeDataSet is not null)
            {
                var dataWriter = new PDataWriter(_channel, message.PresentationContextId, command: false, PeerMaxPduLength);
                await writeDataSet(dataWriter, whole).ConfigureAwait(false);
                await dataWriter.CompleteAsync(whole).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends a data set held in memory, encoded in the context's transfer syntax.</summary>
    public Task SendAsync(DicomMessage message, DicomDataset? dataSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (dataSet is null)
        {
            return SendAsync(message, (Func<Stream, CancellationToken, Task>?)null, cancellationToken);
        }

        var syntax = DicomTransferSyntax.FromUid(_contexts[message.PresentationContextId].AcceptedTransferSyntax!);
        var bytes = DimseDataSet.Encode(dataSet, syntax);
        return SendAsync(message, (stream, token) => stream.WriteAsync(bytes, token).AsTask(), cancellationToken);
    }

    /// <summary>
    /// Sends a request and yields its responses until the final one (pending responses first). Disposing the
    /// enumeration early sends nothing; cancelling <paramref name="cancellationToken"/> sends a C-CANCEL.
    /// </summary>
    public async IAsyncEnumerable<DicomMessage> RequestAsync(
        DicomMessage request,
        Func<Stream, CancellationToken, Task>? writeDataSet,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var responses = Channel.CreateUnbounded<DicomMessage>();
        var id = request.MessageId;
        if (!_outstanding.TryAdd(id, responses))
        {
            throw new InvalidOperationException($"Message ID {id} is already in use on this association.");
        }

        try
        {
            await SendAsync(request, writeDataSet, cancellationToken).ConfigureAwait(false);
            var cancelSent = false;
            while (true)
            {
                DicomMessage response;
                using (var wait = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token, cancelSent ? CancellationToken.None : cancellationToken))
                {
                    wait.CancelAfter(_options.DimseTimeout);
                    try
                    {
                        response = await responses.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancelSent && cancellationToken.IsCancellationRequested && !_lifetime.IsCancellationRequested)
                    {
                        cancelSent = true;
                        await SendCancelAsync(request).ConfigureAwait(false);
                        continue;
                    }
                    catch (OperationCanceledException) when (!_lifetime.IsCancellationRequested)
                    {
                        throw new DicomNetworkException($"No response to {request} within {_options.DimseTimeout.TotalSeconds:0} s.");
                    }
                    catch (Exception exception) when (exception is ChannelClosedException or OperationCanceledException or DicomNetworkException)
                    {
                        throw new DicomAssociationAbortedException($"The association ended while waiting for the response to {request}.", Failure ?? exception);
                    }
                }

                yield return response;
                if (!response.Status.IsPending)
                {
                    yield break;
                }
            }
        }
        finally
        {
            _outstanding.TryRemove(id, out _);
        }
    }

    /// <summary>Asks the peer to release (A-RELEASE-RQ) and waits for its answer; aborts if none comes within ARTIM.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _ended) != 0)
        {
            return;
        }

        try
        {
            await _channel.WriteAsync(AssociationPduCodec.EncodeRelease(response: false), cancellationToken).ConfigureAwait(false);
            await _releaseResponse.Task.WaitAsync(_options.ArtimTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await AbortAsync().ConfigureAwait(false);
            throw new DicomNetworkException($"The peer did not answer the release request within {_options.ArtimTimeout.TotalSeconds:0} s; the association was aborted.");
        }

        await Completion.ConfigureAwait(false);
    }

    /// <summary>Sends A-ABORT (service user) and drops the connection.</summary>
    public async Task AbortAsync()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        try
        {
            await _channel.WriteAsync(AssociationPduCodec.EncodeAbort(AbortSource.ServiceUser, AbortReason.NotSpecified), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or TimeoutException)
        {
            // The connection is going anyway.
        }

        End(new DicomAssociationAbortedException("The association was aborted by this side."));
    }

    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _ended) == 0)
        {
            await AbortAsync().ConfigureAwait(false);
        }

        try
        {
            await Completion.ConfigureAwait(false);
        }
        catch (DicomException)
        {
            // Already recorded in Failure.
        }

        _lifetime.Dispose();
    }

    private async Task SendCancelAsync(DicomMessage request)
    {
        var cancel = new DicomMessage(DicomMessage.RequestCommand(DicomCommandField.CCancelRequest, string.Empty, request.MessageId, hasDataSet: false), request.PresentationContextId);
        await SendAsync(cancel, (Func<Stream, CancellationToken, Task>?)null, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task ReceiveAsync()
    {
        using var assembler = new MessageAssembler(this);
        try
        {
            while (true)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
                idle.CancelAfter(_options.IdleTimeout);
                ReceivedPdu? received;
                try
                {
                    received = await _channel.ReadAsync(IncomingPduLimit, idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!_lifetime.IsCancellationRequested)
                {
                    throw new DicomProtocolException($"Nothing arrived for {_options.IdleTimeout.TotalSeconds:0} s.", AbortReason.NotSpecified);
                }

                if (received is not { } pdu)
                {
                    throw new DicomAssociationAbortedException("The peer closed the connection without releasing the association.");
                }

                using (pdu)
                {
                    switch (pdu.Type)
                    {
                        case PduType.DataTransfer:
                            await assembler.AcceptAsync(pdu.Memory, _lifetime.Token).ConfigureAwait(false);
                            break;
                        case PduType.ReleaseRequest:
                            await ReleaseByPeerAsync().ConfigureAwait(false);
                            return;
                        case PduType.ReleaseResponse when _isRequestor:
                            End(null);
                            _releaseResponse.TrySetResult();
                            return;
                        case PduType.Abort:
                            var (source, reason) = AssociationPduCodec.DecodeAbort(pdu.Body);
                            throw new DicomAssociationAbortedException($"The peer aborted the association (source {source}, reason {reason}).");
                        default:
                            throw new DicomProtocolException($"Unexpected {pdu.Type} PDU on an established association.", AbortReason.UnexpectedPdu);
                    }
                }
            }
        }
        catch (DicomProtocolException exception)
        {
            await SendProviderAbortAsync(exception.Reason).ConfigureAwait(false);
            End(exception);
        }
        catch (Exception exception) when (exception is DicomException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            End(exception is DicomException ? exception : new DicomAssociationAbortedException(exception.Message, exception));
        }
        finally
        {
            assembler.Fail(Failure ?? new DicomAssociationAbortedException("The association ended."));
        }
    }

    /// <summary>A-RELEASE-RQ from the peer: finish the operation in progress, then answer and close.</summary>
    private async Task ReleaseByPeerAsync()
    {
        _requests.Writer.TryComplete();
        try
        {
            await _channel.WriteAsync(AssociationPduCodec.EncodeRelease(response: true), _lifetime.Token).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The peer may close as soon as it has our answer.
        }

        End(null);
    }

    private async Task SendProviderAbortAsync(AbortReason reason)
    {
        try
        {
            await _channel.WriteAsync(AssociationPduCodec.EncodeAbort(AbortSource.ServiceProvider, reason), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or TimeoutException)
        {
            // Best effort: the connection is being dropped.
        }
    }

    /// <summary>Marks the association ended: fails what waits on it and cancels the operation in progress.</summary>
    private void End(Exception? failure)
    {
        Interlocked.Exchange(ref _ended, 1);
        Failure ??= failure;
        foreach (var responses in _outstanding.Values)
        {
            responses.Writer.TryComplete(failure);
        }

        _releaseResponse.TrySetResult();
        if (failure is not null)
        {
            _lifetime.Cancel();
        }
    }

    private async Task ProcessRequestsAsync()
    {
        await foreach (var request in _requests.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            using var operation = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
            _running[request.Message.MessageId] = operation;
            try
            {
                if (_handler is null)
                {
                    await SendAsync(new DicomMessage(DicomMessage.ResponseCommand(request.Message, DicomStatus.UnrecognizedOperation, false), request.Context.Id), (DicomDataset?)null, _lifetime.Token).ConfigureAwait(false);
                }
                else
                {
                    await _handler(request, this, operation.Token).ConfigureAwait(false);
                }
            }
            catch (Exception exception) when (exception is DicomException or IOException or OperationCanceledException)
            {
                // The handler answers what it can; an association that has ended cannot be answered.
                Failure ??= Volatile.Read(ref _ended) != 0 ? exception : null;
            }
            finally
            {
                _running.TryRemove(request.Message.MessageId, out _);
                (request.DataSetStream as DataSetPipe)?.Abandon();
            }
        }
    }

    private void Dispatch(IncomingRequest? request, DicomMessage message)
    {
        if (!message.IsRequest)
        {
            if (_outstanding.TryGetValue(message.MessageIdBeingRespondedTo, out var responses))
            {
                responses.Writer.TryWrite(message);
            }

            return;
        }

        if (message.CommandField == DicomCommandField.CCancelRequest)
        {
            if (_running.TryGetValue(message.MessageIdBeingRespondedTo, out var operation))
            {
                operation.Cancel();
            }

            return;
        }

        _requests.Writer.TryWrite(request!);
    }

    private static byte[] EncodeCommand(DicomDataset command)
    {
        command.Remove(DicomTags.CommandGroupLength);
        var body = DicomDatasetSerializer.Serialize(command, DicomTransferSyntax.ImplicitVRLittleEndian);
        var withLength = new DicomDataset(command);
        withLength.SetValues(DicomTags.CommandGroupLength, DicomVR.UL, (uint)body.Length);
        return DicomDatasetSerializer.Serialize(withLength, DicomTransferSyntax.ImplicitVRLittleEndian);
    }

    /// <summary>Reassembles messages from the PDVs of P-DATA-TF PDUs (PS3.8 9.3.5, PS3.7 6.3.1).</summary>
    private sealed class MessageAssembler(DicomAssociation association) : IDisposable
    {
        private readonly MemoryStream _command = new();
        private DicomMessage? _awaitingData;
        private MemoryStream? _data;
        private DataSetPipe? _pipe;

        public async Task AcceptAsync(ReadOnlyMemory<byte> pdu, CancellationToken cancellationToken)
        {
            var position = 0;
            while (position < pdu.Length)
            {
                if (pdu.Length - position < 6)
                {
                    throw new DicomProtocolException("A P-DATA-TF PDU ends inside a PDV header.");
                }

                var length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(pdu.Span[position..]);
                if (length < 2 || length > pdu.Length - position - 4)
                {
                    throw new DicomProtocolException($"A PDV declares {length} bytes, which does not fit its P-DATA-TF PDU.");
                }

                var contextId = pdu.Span[position + 4];
                var header = pdu.Span[position + 5];
                var fragment = pdu.Slice(position + 6, length - 2);
                position += 4 + length;
                if (!association._contexts.ContainsKey(contextId))
                {
                    throw new DicomProtocolException($"A PDV uses presentation context {contextId}, which was not accepted.", AbortReason.UnexpectedPduParameter);
                }

                await AcceptFragmentAsync(contextId, (header & 1) == 1, (header & 2) == 2, fragment, cancellationToken).ConfigureAwait(false);
            }
        }

        public void Fail(Exception failure)
        {
            _pipe?.Fail(failure);
            _pipe = null;
        }

        public void Dispose()
        {
            _command.Dispose();
            _data?.Dispose();
        }

        private async Task AcceptFragmentAsync(byte contextId, bool isCommand, bool isLast, ReadOnlyMemory<byte> fragment, CancellationToken cancellationToken)
        {
            if (isCommand)
            {
                if (_awaitingData is not null)
                {
                    throw new DicomProtocolException($"A command fragment arrived while the data set of {_awaitingData} was expected.", AbortReason.UnexpectedPduParameter);
                }

                _command.Write(fragment.Span);
                if (isLast)
                {
                    CompleteCommand(contextId);
                }

                return;
            }

            if (_awaitingData is null || _awaitingData.PresentationContextId != contextId)
            {
                throw new DicomProtocolException("A data fragment arrived without a command announcing a data set on its presentation context.", AbortReason.UnexpectedPduParameter);
            }

            if (_pipe is not null)
            {
                await _pipe.AppendAsync(fragment.Span, cancellationToken).ConfigureAwait(false);
                if (isLast)
                {
                    _pipe.Complete();
                    _pipe = null;
                    _awaitingData = null;
                }

                return;
            }

            _data!.Write(fragment.Span);
            if (isLast)
            {
                var message = _awaitingData;
                var context = association._contexts[contextId];
                try
                {
                    message.Dataset = DicomDatasetSerializer.Deserialize(_data.ToArray(), DicomTransferSyntax.FromUid(context.AcceptedTransferSyntax!));
                }
                catch (DicomParseException exception)
                {
                    throw new DicomProtocolException($"The data set of {message} does not parse: {exception.Message}");
                }

                _data = null;
                _awaitingData = null;
                association.Dispatch(message.IsRequest ? new IncomingRequest(message, context, null) : null, message);
            }
        }

        private void CompleteCommand(byte contextId)
        {
            DicomDataset command;
            try
            {
                command = DicomDatasetSerializer.Deserialize(_command.ToArray(), DicomTransferSyntax.ImplicitVRLittleEndian);
            }
            catch (DicomParseException exception)
            {
                throw new DicomProtocolException($"A DIMSE command set does not parse: {exception.Message}");
            }
            finally
            {
                _command.SetLength(0);
            }

            var message = new DicomMessage(command, contextId);
            var context = association._contexts[contextId];
            if (!message.HasDataSet)
            {
                association.Dispatch(message.IsRequest ? new IncomingRequest(message, context, null) : null, message);
                return;
            }

            _awaitingData = message;
            if (message.CommandField == DicomCommandField.CStoreRequest)
            {
                // C-STORE data sets are streamed to the handler as they arrive, never buffered whole.
                _pipe = new DataSetPipe();
                association.Dispatch(new IncomingRequest(message, context, _pipe), message);
            }
            else
            {
                _data = new MemoryStream();
            }
        }
    }
}
