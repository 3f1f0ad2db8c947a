using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Gateway.Dicom.Network.Pdu;

namespace Gateway.Dicom.Network;

/// <summary>How a client calls a remote node.</summary>
public sealed record DicomClientOptions
{
    public string CallingAE { get; init; } = "GATEWAY";

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public DicomAssociationOptions Association { get; init; } = DicomAssociationOptions.Default;

    /// <summary>DICOM TLS (BCP 195) when set.</summary>
    public DicomTlsClientOptions? Tls { get; init; }
}

/// <summary>A DICOM client (association requestor) for one remote node: C-ECHO, C-STORE and C-FIND as a service user.</summary>
public sealed class DicomClient(string host, int port, string calledAE, DicomClientOptions? options = null)
{
    private readonly DicomClientOptions _options = options ?? new DicomClientOptions();

    /// <summary>Connects, proposes <paramref name="request"/>'s contexts and returns the running association.</summary>
    /// <exception cref="DicomAssociationRejectedException">The peer rejected the association.</exception>
    public async Task<DicomAssociation> OpenAsync(AssociationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.CallingAE = string.IsNullOrEmpty(request.CallingAE) ? _options.CallingAE : request.CallingAE;
        request.CalledAE = string.IsNullOrEmpty(request.CalledAE) ? calledAE : request.CalledAE;
        request.MaxPduLength = _options.Association.MaxPduLength;
        var stream = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var channel = new PduChannel(stream);
        try
        {
            await channel.WriteAsync(AssociationPduCodec.EncodeRequest(request), cancellationToken).ConfigureAwait(false);
            using var artim = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            artim.CancelAfter(_options.Association.ArtimTimeout);
            using var pdu = await channel.ReadAsync(DicomNetworkDefaults.MaxIncomingPduLength, artim.Token).ConfigureAwait(false)
                ?? throw new DicomAssociationAbortedException($"{host}:{port} closed the connection instead of answering the association request.");
            switch (pdu.Type)
            {
                case PduType.AssociateAccept:
                    var accept = AssociationPduCodec.DecodeAccept(pdu.Body, request);
                    var association = new DicomAssociation(channel, request, accept, isRequestor: true, _options.Association);
                    association.Start(null);
                    return association;
                case PduType.AssociateReject:
                    throw new DicomAssociationRejectedException(AssociationPduCodec.DecodeReject(pdu.Body));
                case PduType.Abort:
                    var (source, reason) = AssociationPduCodec.DecodeAbort(pdu.Body);
                    throw new DicomAssociationAbortedException($"{host}:{port} aborted the association request (source {source}, reason {reason}).");
                default:
                    throw new DicomProtocolException($"{host}:{port} answered the association request with {pdu.Type}.", AbortReason.UnexpectedPdu);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw new DicomNetworkException($"{host}:{port} did not answer the association request within {_options.Association.ArtimTimeout.TotalSeconds:0} s.");
        }
        catch (IOException exception)
        {
            // A connection reset, or with TLS 1.3 a peer refusing the client certificate after the handshake.
            await channel.DisposeAsync().ConfigureAwait(false);
            throw new DicomNetworkException($"{host}:{port} broke the connection during the association request: {exception.Message}", exception);
        }
        catch
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>C-ECHO: opens an association for Verification, echoes, releases.</summary>
    public async Task<DicomStatus> EchoAsync(CancellationToken cancellationToken = default)
    {
        var request = new AssociationRequest();
        request.AddPresentationContext(DicomUids.Verification, DicomTransferSyntax.ImplicitVRLittleEndian.Uid);
        var association = await OpenAsync(request, cancellationToken).ConfigureAwait(false);
        await using (association.ConfigureAwait(false))
        {
            var context = association.FindContext(DicomUids.Verification)
                ?? throw new DicomNetworkException($"{calledAE} does not accept the Verification SOP class.");
            var echo = new DicomMessage(DicomMessage.RequestCommand(DicomCommandField.CEchoRequest, DicomUids.Verification, association.NextMessageId(), hasDataSet: false), context.Id);
            var status = await FinalStatusAsync(association.RequestAsync(echo, null, cancellationToken)).ConfigureAwait(false);
            await association.ReleaseAsync(cancellationToken).ConfigureAwait(false);
            return status;
        }
    }

    /// <summary>
    /// C-STORE of files over one association: contexts are proposed for their SOP classes and syntaxes; each file
    /// gets its own result (a file that cannot be read or sent fails alone).
    /// </summary>
    public async Task<IReadOnlyList<StoreOutcome>> StoreAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var outcomes = new StoreOutcome[paths.Count];
        var headers = new List<(int Index, string SopClass, string Syntax)>();
        for (var i = 0; i < paths.Count; i++)
        {
            try
            {
                var header = DicomFile.Open(paths[i], new DicomReadOptions { StopBeforePixelData = true });
                var sopClass = header.Dataset.GetString(DicomTags.SOPClassUID) ?? header.FileMetaInformation.GetString(DicomTags.MediaStorageSOPClassUID);
                if (string.IsNullOrEmpty(sopClass))
                {
                    outcomes[i] = new StoreOutcome(paths[i], null, "The file has no SOP Class UID.");
                    continue;
                }

                headers.Add((i, sopClass, header.TransferSyntax.Uid));
            }
            catch (Exception exception) when (exception is DicomException or IOException or UnauthorizedAccessException)
            {
                outcomes[i] = new StoreOutcome(paths[i], null, exception.Message);
            }
        }

        if (headers.Count > 0)
        {
            var request = new AssociationRequest();
            DicomStoreSender.ProposeContexts(request, headers.Select(header => (header.SopClass, header.Syntax)));
            var association = await OpenAsync(request, cancellationToken).ConfigureAwait(false);
            await using (association.ConfigureAwait(false))
            {
                foreach (var (index, _, _) in headers)
                {
                    outcomes[index] = await StoreOneAsync(association, paths[index], cancellationToken).ConfigureAwait(false);
                }

                await association.ReleaseAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return outcomes;
    }

    /// <summary>C-FIND: the matches the peer returns for <paramref name="identifier"/>.</summary>
    public async IAsyncEnumerable<DicomDataset> FindAsync(
        QueryRetrieveModel model,
        DicomDataset identifier,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var sopClass = model == QueryRetrieveModel.StudyRoot ? DicomUids.StudyRootQueryRetrieveInformationModelFind : DicomUids.PatientRootQueryRetrieveInformationModelFind;
        var request = new AssociationRequest();
        request.AddPresentationContext(sopClass, DicomTransferSyntax.ExplicitVRLittleEndian.Uid, DicomTransferSyntax.ImplicitVRLittleEndian.Uid);
        var association = await OpenAsync(request, cancellationToken).ConfigureAwait(false);
        await using (association.ConfigureAwait(false))
        {
            var context = association.FindContext(sopClass) ?? throw new DicomNetworkException($"{calledAE} does not accept {sopClass}.");
            var find = new DicomMessage(DicomMessage.RequestCommand(DicomCommandField.CFindRequest, sopClass, association.NextMessageId(), hasDataSet: true), context.Id);
            var body = DimseDataSet.Encode(identifier, DicomTransferSyntax.FromUid(context.AcceptedTransferSyntax!));
            await foreach (var response in association.RequestAsync(find, (stream, token) => stream.WriteAsync(body, token).AsTask(), cancellationToken).ConfigureAwait(false))
            {
                if (response.Status.IsPending && response.Dataset is not null)
                {
                    yield return response.Dataset;
                }
                else if (response.Status.IsFailure)
                {
                    throw new DicomNetworkException($"C-FIND failed: {response.Status} {response.Command.GetString(DicomTags.ErrorComment)}");
                }
            }

            await association.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<StoreOutcome> StoreOneAsync(DicomAssociation association, string path, CancellationToken cancellationToken)
    {
        try
        {
            var file = DicomFile.Open(path);
            var status = await DicomStoreSender.SendAsync(association, file, null, cancellationToken).ConfigureAwait(false);
            return new StoreOutcome(path, status, null);
        }
        catch (Exception exception) when (exception is DicomException and not DicomAssociationAbortedException or IOException or UnauthorizedAccessException)
        {
            return new StoreOutcome(path, null, exception.Message);
        }
    }

    private static async Task<DicomStatus> FinalStatusAsync(IAsyncEnumerable<DicomMessage> responses)
    {
        await foreach (var response in responses.ConfigureAwait(false))
        {
            if (!response.Status.IsPending)
            {
                return response.Status;
            }
        }

        throw new DicomNetworkException("The peer sent no final response.");
    }

    private async Task<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            using (var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connect.CancelAfter(_options.ConnectTimeout);
                await client.ConnectAsync(host, port, connect.Token).ConfigureAwait(false);
            }

            Stream stream = client.GetStream();
            if (_options.Tls is { } tls)
            {
                var secure = new SslStream(stream, leaveInnerStreamOpen: false);
                await secure.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = tls.TargetHost ?? host,
                        EnabledSslProtocols = DicomTls.Protocols,
                        CipherSuitesPolicy = DicomTls.CipherSuites,
                        ClientCertificates = tls.ClientCertificate is null ? null : [tls.ClientCertificate],
                        RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                            DicomTls.ValidateServer(certificate, errors, tls.TrustedCertificates),
                    },
                    cancellationToken).ConfigureAwait(false);
                stream = secure;
            }

            return new ClientStream(stream, client);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new DicomNetworkException($"Could not connect to {host}:{port} within {_options.ConnectTimeout.TotalSeconds:0} s.");
        }
        catch (SocketException exception)
        {
            client.Dispose();
            throw new DicomNetworkException($"Could not connect to {host}:{port}: {exception.Message}", exception);
        }
        catch (Exception exception) when (exception is System.Security.Authentication.AuthenticationException or IOException)
        {
            // Only the TLS handshake reads and writes here: an untrusted certificate, or a peer that refused ours.
            client.Dispose();
            throw new DicomNetworkException($"The DICOM TLS handshake with {host}:{port} failed: {exception.Message}", exception);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}

/// <summary>The result of storing one file: the peer's status, or why it could not be sent.</summary>
public sealed record StoreOutcome(string Path, DicomStatus? Status, string? Error)
{
    public bool Succeeded => Status is { Category: DicomStatusCategory.Success or DicomStatusCategory.Warning };
}
