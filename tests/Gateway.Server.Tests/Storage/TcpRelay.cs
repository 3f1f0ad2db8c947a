using System.Net;
using System.Net.Sockets;

namespace Gateway.Server.Tests.Storage;

/// <summary>
/// A loopback TCP relay in front of a server (radosgw), so a test can make the server vanish for one gateway without
/// stopping it for the other tests: <see cref="Stop"/> closes the port and every relayed connection, <see cref="Start"/>
/// opens the same port again.
/// </summary>
internal sealed class TcpRelay : IDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _connections = [];
    private TcpListener? _listener;

    public TcpRelay(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public void Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _ = AcceptAsync(listener);
    }

    public void Stop()
    {
        _listener?.Stop();
        _listener = null;
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }

            _connections.Clear();
        }
    }

    public void Dispose() => Stop();

    private async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync();
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var server = new TcpClient();
            lock (_connections)
            {
                _connections.Add(client);
                _connections.Add(server);
            }

            _ = RelayAsync(client, server);
        }
    }

    private async Task RelayAsync(TcpClient client, TcpClient server)
    {
        try
        {
            await server.ConnectAsync(_target);
            var upstream = client.GetStream();
            var downstream = server.GetStream();
            await Task.WhenAny(upstream.CopyToAsync(downstream), downstream.CopyToAsync(upstream));
        }
        catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException)
        {
            // One side closed.
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }
}
