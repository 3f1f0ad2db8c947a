using System.Net;
using System.Net.Sockets;

namespace Gateway.Server.Tests;

/// <summary>
/// A TCP relay on 127.0.0.1 to another endpoint (PostgreSQL's Unix socket, radosgw's port), which a test can cut
/// (closing every connection and refusing new ones) and restore on the same port: a server going away and coming back,
/// as the gateway sees it, without stopping it for the other tests.
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly EndPoint _target;
    private readonly List<IDisposable> _connections = [];
    private readonly Lock _lock = new();
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();

    public TcpRelay(EndPoint target)
    {
        _target = target;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public void Start()
    {
        _stop = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        _ = AcceptAsync(_listener, _stop.Token);
    }

    /// <summary>Stops listening and closes every relayed connection.</summary>
    public async Task CutAsync()
    {
        await _stop.CancelAsync();
        _listener?.Stop();
        lock (_lock)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }

            _connections.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CutAsync();
        _stop.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var server = new Socket(_target.AddressFamily, SocketType.Stream, _target.AddressFamily == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
            try
            {
                await server.ConnectAsync(_target, cancellationToken);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }

            lock (_lock)
            {
                _connections.Add(client);
                _connections.Add(server);
            }

            var serverStream = new NetworkStream(server, ownsSocket: false);
            _ = PumpAsync(client.GetStream(), serverStream, cancellationToken);
            _ = PumpAsync(serverStream, client.GetStream(), cancellationToken);
        }
    }

    private static async Task PumpAsync(NetworkStream from, NetworkStream to, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, cancellationToken);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
            // The relay was cut or a side closed.
        }
    }
}
