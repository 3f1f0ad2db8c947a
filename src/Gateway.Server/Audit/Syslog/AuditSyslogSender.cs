using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Gateway.Core.Audit;
using Gateway.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Audit.Syslog;

/// <summary>
/// Sends audit events as DICOM audit messages to the audit repository (Gateway:Audit:Syslog): one UDP datagram each
/// (RFC 5426), or over one kept TCP or TLS connection (RFC 5425) framed by octet counting (RFC 6587 3.4.1). A message
/// that cannot be sent is logged by count (the rows stay in audit_events); the connection is made again next time.
/// </summary>
public sealed partial class AuditSyslogSender : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    private readonly AuditSyslogOptions _settings;
    private readonly AuditSource _source;
    private readonly ILogger<AuditSyslogSender> _logger;
    private UdpClient? _udp;
    private TcpClient? _tcp;
    private Stream? _stream;

    public AuditSyslogSender(IOptions<AuditOptions> options, IOptions<GatewayOptions> gateway, ILogger<AuditSyslogSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(gateway);
        _settings = options.Value.Syslog;
        _source = new AuditSource(options.Value.SourceId ?? gateway.Value.AETitle, gateway.Value.AETitle, Dns.GetHostName());
        _logger = logger;
        if (Enabled)
        {
            Log.Sending(_logger, _settings.Protocol, _settings.Host!, _settings.EffectivePort);
        }
    }

    public bool Enabled => _settings.Enabled;

    public async Task SendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var sent = 0;
        try
        {
            foreach (var auditEvent in events)
            {
                if (DicomAuditMessage.Build(auditEvent, _source) is { } message)
                {
                    await TransmitAsync(SyslogFrame.Format(auditEvent.At, _source.HostName, _settings.AppName, message), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    Log.NotMapped(_logger, auditEvent.Action);
                }

                sent++;
            }
        }
        catch (Exception exception) when (exception is SocketException or IOException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            Log.SendFailed(_logger, events.Count - sent, _settings.Host!, exception.Message);
            await CloseAsync().ConfigureAwait(false);
        }
    }

    private async Task TransmitAsync(byte[] frame, CancellationToken cancellationToken)
    {
        if (_settings.Protocol == SyslogProtocol.Udp)
        {
            _udp ??= new UdpClient(_settings.Host!, _settings.EffectivePort);
            await _udp.SendAsync(frame, cancellationToken).ConfigureAwait(false);
            return;
        }

        var stream = _stream ?? await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var length = Encoding.ASCII.GetBytes(frame.Length.ToString(CultureInfo.InvariantCulture) + " ");
        await stream.WriteAsync(length, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        _tcp = new TcpClient();
        await _tcp.ConnectAsync(_settings.Host!, _settings.EffectivePort, timeout.Token).ConfigureAwait(false);
        Stream stream = _tcp.GetStream();
        if (_settings.Protocol == SyslogProtocol.Tls)
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            stream = tls;
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = _settings.Host,
                    CertificateChainPolicy = _settings.TrustedCaFile is { } caFile ? TrustOnly(caFile) : null,
                },
                timeout.Token).ConfigureAwait(false);
        }

        _stream = stream;
        return stream;
    }

    /// <summary>A chain policy that trusts the certificate authorities of <paramref name="caFile"/> (PEM) and no others.</summary>
    private static X509ChainPolicy TrustOnly(string caFile)
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caFile);
        policy.CustomTrustStore.AddRange(authorities);
        return policy;
    }

    private async Task CloseAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
            _stream = null;
        }

        _tcp?.Dispose();
        _tcp = null;
        _udp?.Dispose();
        _udp = null;
    }

    public ValueTask DisposeAsync() => new(CloseAsync());

    private static partial class Log
    {
        [LoggerMessage(EventId = 7745, Level = LogLevel.Information, Message = "Audit messages (DICOM PS3.15 A.5) go to syslog over {Protocol} at {Host}:{Port}")]
        public static partial void Sending(ILogger logger, SyslogProtocol protocol, string host, int port);

        [LoggerMessage(EventId = 8110, Level = LogLevel.Error, Message = "The audit action {Action} has no DICOM audit message codes: not sent to the audit repository (its row is in audit_events)")]
        public static partial void NotMapped(ILogger logger, string action);

        [LoggerMessage(EventId = 7746, Level = LogLevel.Warning, Message = "{Count} audit messages could not be sent to the audit repository {Host} ({Reason}); they are kept in audit_events")]
        public static partial void SendFailed(ILogger logger, int count, string host, string reason);
    }
}
