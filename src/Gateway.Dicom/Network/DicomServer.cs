using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Gateway.Dicom.Network.Pdu;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Dicom.Network;

/// <summary>
/// A DICOM server (association acceptor): listens, checks AE titles, negotiates presentation contexts with a
/// provider created for each association, and serves any number of associations at once.
/// </summary>
public sealed partial class DicomServer : IAsyncDisposable
{
    private readonly DicomServerOptions _options;
    private readonly Func<AssociationRequest, IDicomServiceProvider> _providerFactory;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;
    private readonly HashSet<Task> _connections = [];
    private readonly Dictionary<IPAddress, int> _connectionsPerAddress = [];
    private TcpListener? _listener;
    private Task? _acceptLoop;
    private int _active;
    private int _associations;

    public DicomServer(DicomServerOptions options, Func<AssociationRequest, IDicomServiceProvider> providerFactory, ILogger<DicomServer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(providerFactory);
        _options = options;
        _providerFactory = providerFactory;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The port listened on (the one the system chose when the options said 0).</summary>
    public int Port => (_listener?.LocalEndpoint as IPEndPoint)?.Port ?? _options.Port;

    /// <summary>Connections being served: associations, and connections still to send (or be refused) their A-ASSOCIATE-RQ.</summary>
    public int ActiveAssociations => Volatile.Read(ref _active);

    public void Start()
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException("The server is already started.");
        }

        _listener = new TcpListener(_options.BindAddress, _options.Port);
        _listener.Start(backlog: 128);
        Log.Listening(_logger, _options.AETitle, _options.BindAddress, Port, _options.Tls is not null);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Stops listening and aborts the associations still open.</summary>
    public async Task StopAsync()
    {
        if (_listener is null)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener!.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var connection = Task.Run(() => ServeAsync(client));
            lock (_connections)
            {
                _connections.Add(connection);
            }

            _ = connection.ContinueWith(
                finished =>
                {
                    lock (_connections)
                    {
                        _connections.Remove(finished);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        var remote = client.Client.RemoteEndPoint as IPEndPoint;
        var source = SourceAddress(remote);
        client.NoDelay = true;
        using (client)
        {
            Interlocked.Increment(ref _active);
            CountConnection(source, +1);
            try
            {
                var stream = await OpenStreamAsync(client, remote).ConfigureAwait(false);
                if (stream is null)
                {
                    return;
                }

                var channel = new PduChannel(stream);
                using var certificate = ClientCertificate(stream);
                var association = await NegotiateAsync(channel, remote, source, certificate).ConfigureAwait(false);
                if (association is null)
                {
                    await channel.DisposeAsync().ConfigureAwait(false);
                    return;
                }

                try
                {
                    await RunAsync(association.Value.Association, association.Value.Provider, association.Value.Caller, remote).ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Decrement(ref _associations);
                }
            }
            catch (Exception exception) when (exception is IOException or SocketException or DicomException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
            {
                Log.ConnectionFailed(_logger, remote, exception.Message);
            }
            finally
            {
                CountConnection(source, -1);
                Interlocked.Decrement(ref _active);
            }
        }
    }

    /// <summary>The certificate the caller presented in the TLS handshake (a copy, for the caller to dispose), or null.</summary>
    private static X509Certificate2? ClientCertificate(Stream stream) =>
        stream is SslStream { RemoteCertificate: { } certificate } ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;

    /// <summary>The address a connection comes from, an IPv4 peer on a dual-stack socket counted as itself.</summary>
    private static IPAddress SourceAddress(IPEndPoint? remote) =>
        remote is null ? IPAddress.None : remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;

    /// <summary>Adds <paramref name="change"/> (0 to only read it) to the open connections from <paramref name="source"/>; returns the new count.</summary>
    private int CountConnection(IPAddress source, int change)
    {
        lock (_connectionsPerAddress)
        {
            var count = _connectionsPerAddress.GetValueOrDefault(source) + change;
            if (count > 0)
            {
                _connectionsPerAddress[source] = count;
            }
            else
            {
                _connectionsPerAddress.Remove(source);
            }

            return count;
        }
    }

    /// <summary>The connection's stream: the TCP stream, or with TLS the stream after the handshake; null when the handshake refused the client (logged).</summary>
    private async Task<Stream?> OpenStreamAsync(TcpClient client, IPEndPoint? remote)
    {
        Stream stream = client.GetStream();
        if (_options.Tls is not { } tls)
        {
            return stream;
        }

        var secure = new SslStream(stream, leaveInnerStreamOpen: false);
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        handshake.CancelAfter(_options.Association.ArtimTimeout);
        string? refusal = null;
        try
        {
            await secure.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificate = tls.Certificate,

                    // With trusted CAs every caller is asked for a certificate (an AE bound to one must present it);
                    // only RequireClientCertificate refuses the handshake of one that has none.
                    ClientCertificateRequired = tls.RequireClientCertificate || tls.TrustedCertificates.Count > 0,
                    EnabledSslProtocols = DicomTls.Protocols,
                    CipherSuitesPolicy = DicomTls.CipherSuites,
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    {
                        refusal = DicomTls.ClientCertificateProblem(certificate, tls);
                        return refusal is null;
                    },
                },
                handshake.Token).ConfigureAwait(false);
        }
        catch (System.Security.Authentication.AuthenticationException exception)
        {
            Log.TlsRefused(_logger, remote, refusal ?? exception.Message);
            await secure.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        return secure;
    }

    /// <summary>
    /// Reads the A-ASSOCIATE-RQ within ARTIM, applies the AE title rules and the limits, and accepts or rejects;
    /// an accepted association holds one of <see cref="DicomServerOptions.MaxAssociations"/> until the caller
    /// gives it back. <paramref name="source"/> is the caller's address, as the per-address limit counts it.
    /// </summary>
    private async Task<(DicomAssociation Association, IDicomServiceProvider Provider, DicomCaller Caller)?> NegotiateAsync(
        PduChannel channel, IPEndPoint? remote, IPAddress source, X509Certificate2? certificate)
    {
        using var artim = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        artim.CancelAfter(_options.Association.ArtimTimeout);
        ReceivedPdu? received;
        try
        {
            received = await channel.ReadAsync(DicomNetworkDefaults.MaxIncomingPduLength, artim.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
        {
            Log.ArtimExpired(_logger, remote);
            return null;
        }
        catch (DicomProtocolException exception)
        {
            await TryWriteAsync(channel, AssociationPduCodec.EncodeAbort(AbortSource.ServiceProvider, exception.Reason)).ConfigureAwait(false);
            throw;
        }

        if (received is not { } pdu)
        {
            return null;
        }

        AssociationRequest request;
        using (pdu)
        {
            if (pdu.Type != PduType.AssociateRequest)
            {
                await TryWriteAsync(channel, AssociationPduCodec.EncodeAbort(AbortSource.ServiceProvider, AbortReason.UnexpectedPdu)).ConfigureAwait(false);
                throw new DicomProtocolException($"Expected A-ASSOCIATE-RQ, received {pdu.Type}.", AbortReason.UnexpectedPdu);
            }

            try
            {
                request = AssociationPduCodec.DecodeRequest(pdu.Body);
            }
            catch (DicomAssociationRejectedException rejected)
            {
                await RejectAsync(channel, remote, "?", rejected.Rejection).ConfigureAwait(false);
                return null;
            }
            catch (DicomProtocolException exception)
            {
                await TryWriteAsync(channel, AssociationPduCodec.EncodeAbort(AbortSource.ServiceProvider, exception.Reason)).ConfigureAwait(false);
                throw;
            }
        }

        request.RemoteEndPoint = remote;
        if (Rejection(request, remote) is { } rejection)
        {
            await RejectAsync(channel, remote, request.CallingAE, rejection).ConfigureAwait(false);
            return null;
        }

        var (caller, notAllowed) = FindCaller(request.CallingAE, remote, certificate);
        if (caller is null)
        {
            Log.CallerNotAllowed(_logger, request.CallingAE, remote, notAllowed!);
            await TryWriteAsync(channel, AssociationPduCodec.EncodeReject(AssociationRejection.CallingAENotRecognized)).ConfigureAwait(false);
            return null;
        }

        // Counted when the request arrives, this connection included.
        var fromSource = CountConnection(source, 0);
        if (fromSource > _options.MaxAssociationsPerAddress)
        {
            Log.AddressLimitReached(_logger, request.CallingAE, remote, fromSource - 1, _options.MaxAssociationsPerAddress);
            await RejectAsync(channel, remote, request.CallingAE, AssociationRejection.LocalLimitExceeded).ConfigureAwait(false);
            return null;
        }

        if (Interlocked.Increment(ref _associations) > _options.MaxAssociations)
        {
            Interlocked.Decrement(ref _associations);
            await RejectAsync(channel, remote, request.CallingAE, AssociationRejection.LocalLimitExceeded).ConfigureAwait(false);
            return null;
        }

        IDicomServiceProvider provider;
        AssociationAccept accept;
        try
        {
            provider = _providerFactory(request);
            accept = ContextNegotiator.Negotiate(request, provider, _options.Association.MaxPduLength);
            await channel.WriteAsync(AssociationPduCodec.EncodeAccept(accept), _stopping.Token).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _associations);
            throw;
        }

        var acceptedCount = accept.PresentationContexts.Count(context => context.IsAccepted);
        Log.Accepted(_logger, request.CallingAE, remote, acceptedCount, accept.PresentationContexts.Count);
        return (new DicomAssociation(channel, request, accept, isRequestor: false, _options.Association), provider, caller);
    }

    private AssociationRejection? Rejection(AssociationRequest request, IPEndPoint? remote)
    {
        if (_options.Unavailable?.Invoke() is { } unavailable)
        {
            Log.Unavailable(_logger, request.CallingAE, remote, unavailable);
            return AssociationRejection.TemporaryCongestion;
        }

        if (request.ApplicationContextName != AssociationRequest.DicomApplicationContext)
        {
            return AssociationRejection.ApplicationContextNotSupported;
        }

        if (!string.Equals(request.CalledAE, _options.AETitle.Trim(), StringComparison.Ordinal))
        {
            return AssociationRejection.CalledAENotRecognized;
        }

        return null;
    }

    /// <summary>
    /// The allow-list's entry for this caller (every permission without an allow-list), or why there is none: an AE
    /// title not listed, called from another host than its own, or without the client certificate it is bound to.
    /// </summary>
    private (DicomCaller? Caller, string? NotAllowed) FindCaller(string callingAE, IPEndPoint? remote, X509Certificate2? certificate)
    {
        if (_options.AllowedCallers is not { } allowed)
        {
            return (DicomCaller.Anyone(callingAE), null);
        }

        var named = allowed.Where(caller => string.Equals(caller.AETitle.Trim(), callingAE, StringComparison.Ordinal)).ToList();
        if (named.Count == 0)
        {
            return (null, "the AE title is not on the allow-list");
        }

        var caller = named.FirstOrDefault(each => each.Host is null || remote is null || HostMatches(each.Host, remote.Address));
        if (caller is null)
        {
            return (null, $"the AE title is allowed only from {string.Join(", ", named.Select(each => each.Host))}");
        }

        return caller.Certificate?.Mismatch(certificate) is { } mismatch ? (null, mismatch) : (caller, null);
    }

    private static bool HostMatches(string host, IPAddress address)
    {
        if (IPAddress.TryParse(host, out var configured))
        {
            return configured.Equals(address) || (address.IsIPv4MappedToIPv6 && configured.Equals(address.MapToIPv4()));
        }

        try
        {
            return Dns.GetHostAddresses(host).Any(candidate => candidate.Equals(address) || (address.IsIPv4MappedToIPv6 && candidate.Equals(address.MapToIPv4())));
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task RejectAsync(PduChannel channel, IPEndPoint? remote, string callingAE, AssociationRejection rejection)
    {
        Log.Rejected(_logger, callingAE, remote, rejection);
        await TryWriteAsync(channel, AssociationPduCodec.EncodeReject(rejection)).ConfigureAwait(false);
    }

    private async Task RunAsync(DicomAssociation association, IDicomServiceProvider provider, DicomCaller caller, IPEndPoint? remote)
    {
        await using (provider.ConfigureAwait(false))
        {
            var info = new AssociationInfo(association.CallingAE, association.CalledAE, remote);
            var dispatcher = new DicomServiceDispatcher(provider, info, caller, _options, _logger);
            association.Start(dispatcher.HandleAsync);
            using (_stopping.Token.Register(() => _ = association.AbortAsync()))
            {
                try
                {
                    await association.Completion.ConfigureAwait(false);
                }
                finally
                {
                    await association.DisposeAsync().ConfigureAwait(false);
                }
            }

            if (association.Failure is { } failure)
            {
                Log.AssociationFailed(_logger, association.CallingAE, remote, failure.Message);
            }
            else
            {
                Log.Released(_logger, association.CallingAE, remote);
            }
        }
    }

    private static async Task TryWriteAsync(PduChannel channel, byte[] pdu)
    {
        try
        {
            await channel.WriteAsync(pdu, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or TimeoutException)
        {
            // The peer is gone; there is no one left to tell.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7430, Level = LogLevel.Warning, Message = "Association from {CallingAE} at {Remote} rejected (transient, temporary congestion): the node cannot store now, {Reason}")]
        public static partial void Unavailable(ILogger logger, string callingAE, IPEndPoint? remote, string reason);

        [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "DICOM server {AETitle} listening on {Address}:{Port} (TLS {Tls})")]
        public static partial void Listening(ILogger logger, string aeTitle, IPAddress address, int port, bool tls);

        [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Association from {CallingAE} at {Remote} accepted ({Accepted} of {Proposed} presentation contexts)")]
        public static partial void Accepted(ILogger logger, string callingAE, IPEndPoint? remote, int accepted, int proposed);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Association from {CallingAE} at {Remote} rejected: {Reason}")]
        public static partial void Rejected(ILogger logger, string callingAE, IPEndPoint? remote, AssociationRejection reason);

        [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Association from {CallingAE} at {Remote} released")]
        public static partial void Released(ILogger logger, string callingAE, IPEndPoint? remote);

        [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Association from {CallingAE} at {Remote} ended abnormally: {Reason}")]
        public static partial void AssociationFailed(ILogger logger, string callingAE, IPEndPoint? remote, string reason);

        [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Connection from {Remote} failed: {Reason}")]
        public static partial void ConnectionFailed(ILogger logger, IPEndPoint? remote, string reason);

        [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "No A-ASSOCIATE-RQ from {Remote} within the ARTIM timeout; connection closed")]
        public static partial void ArtimExpired(ILogger logger, IPEndPoint? remote);

        [LoggerMessage(EventId = 7730, Level = LogLevel.Warning, Message = "Association from {CallingAE} at {Remote} rejected (permanent, service user, reason 3: calling AE title not recognized): {Reason}")]
        public static partial void CallerNotAllowed(ILogger logger, string callingAE, IPEndPoint? remote, string reason);

        [LoggerMessage(EventId = 7734, Level = LogLevel.Warning, Message = "TLS handshake from {Remote} refused: {Reason}")]
        public static partial void TlsRefused(ILogger logger, IPEndPoint? remote, string reason);

        [LoggerMessage(EventId = 7300, Level = LogLevel.Warning, Message = "Association from {CallingAE} at {Remote} refused: {Open} connections from that address are open already (MaxAssociationsPerAddress {Limit})")]
        public static partial void AddressLimitReached(ILogger logger, string callingAE, IPEndPoint? remote, int open, int limit);
    }
}
