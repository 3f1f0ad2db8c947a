using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;

namespace Gateway.Server.Tests.Audit;

/// <summary>
/// A syslog receiver on 127.0.0.1 for the tests: UDP (a message per datagram), or TCP and TLS with RFC 6587 octet
/// counting ("LENGTH SP MESSAGE"); TLS with a certificate of its own test authority (written to <see cref="CaFile"/>).
/// </summary>
internal sealed class SyslogReceiver : IAsyncDisposable
{
    private readonly Channel<byte[]> _messages = Channel.CreateUnbounded<byte[]>();
    private readonly CancellationTokenSource _stop = new();
    private readonly UdpClient? _udp;
    private readonly TcpListener? _tcp;
    private readonly X509Certificate2? _certificate;
    private readonly Task _loop;

    public SyslogReceiver(string protocol)
    {
        Protocol = protocol;
        if (protocol == "Udp")
        {
            _udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            Port = ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;
            _loop = ReceiveDatagramsAsync();
            return;
        }

        if (protocol == "Tls")
        {
            (_certificate, CaFile) = MakeCertificate();
        }

        _tcp = new TcpListener(IPAddress.Loopback, 0);
        _tcp.Start();
        Port = ((IPEndPoint)_tcp.LocalEndpoint).Port;
        _loop = AcceptAsync();
    }

    public string Protocol { get; }

    public int Port { get; }

    /// <summary>TLS: the PEM of the authority that signed the receiver's certificate (for localhost).</summary>
    public string? CaFile { get; }

    /// <summary>The next message received, within 15 s.</summary>
    public async Task<byte[]> NextAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        return await _messages.Reader.ReadAsync(timeout.Token);
    }

    private async Task ReceiveDatagramsAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var datagram = await _udp!.ReceiveAsync(_stop.Token);
            await _messages.Writer.WriteAsync(datagram.Buffer, _stop.Token);
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _tcp!.AcceptTcpClientAsync(_stop.Token);
            _ = ReadFramesAsync(client);
        }
    }

    private async Task ReadFramesAsync(TcpClient client)
    {
        using (client)
        {
            Stream stream = client.GetStream();
            if (_certificate is not null)
            {
                var tls = new SslStream(stream);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                stream = tls;
            }

            await using (stream)
            {
                while (await ReadLengthAsync(stream) is { } length)
                {
                    var message = new byte[length];
                    await stream.ReadExactlyAsync(message, _stop.Token);
                    await _messages.Writer.WriteAsync(message, _stop.Token);
                }
            }
        }
    }

    /// <summary>The octet count before a frame, or null at the end of the stream; anything but digits then a space fails.</summary>
    private async Task<int?> ReadLengthAsync(Stream stream)
    {
        var digits = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0)
            {
                return digits.Length == 0 ? null : throw new InvalidDataException("The stream ended inside an octet count.");
            }

            if (one[0] == (byte)' ')
            {
                return int.Parse(digits.ToString(), System.Globalization.CultureInfo.InvariantCulture);
            }

            if (one[0] is < (byte)'0' or > (byte)'9' || digits.Length > 9)
            {
                throw new InvalidDataException($"Not an RFC 6587 octet count: byte {one[0]} after '{digits}'.");
            }

            digits.Append((char)one[0]);
        }
    }

    /// <summary>A test authority (written to a PEM file) and a certificate for localhost it signed, with its key.</summary>
    private static (X509Certificate2 Certificate, string CaFile) MakeCertificate()
    {
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=Audit test authority", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var authority = authorityRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = request.Create(authority, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(50), [1, 2, 3, 4]);
        using var withKey = signed.CopyWithPrivateKey(key);

        // Through PKCS#12, so that the key is usable by the platform's TLS.
        var certificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        var caFile = Path.Combine(Path.GetTempPath(), $"audit-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(caFile, authority.ExportCertificatePem());
        return (certificate, caFile);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _udp?.Dispose();
        _tcp?.Stop();
        try
        {
            await _loop;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _certificate?.Dispose();
        if (CaFile is not null)
        {
            File.Delete(CaFile);
        }

        _stop.Dispose();
    }
}
