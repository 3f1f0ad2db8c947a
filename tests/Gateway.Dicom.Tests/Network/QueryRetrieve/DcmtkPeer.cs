using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Dicom.Tests.Network.QueryRetrieve;

/// <summary>
/// Runs DCMTK's network tools (apt package dcmtk) for the query/retrieve tests. Every process gets TCP_NODELAY=1:
/// without it DCMTK 3.6.7 leaves Nagle's algorithm on and each C-STORE on loopback waits about 40 ms for a delayed
/// acknowledgement (192 instances: 9 s instead of 0.3 s).
/// </summary>
internal sealed class DcmtkPeer : IDisposable
{
    private const string Package = "dcmtk";

    private readonly Process _process;
    private readonly Task<string> _output;
    private readonly Task<string> _error;

    private DcmtkPeer(Process process)
    {
        _process = process;
        _output = process.StandardOutput.ReadToEndAsync();
        _error = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Runs a tool to completion; a tool still running after <paramref name="timeout"/> is killed and fails the test.</summary>
    public static (int ExitCode, string Output) Run(string program, IEnumerable<string> arguments, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        using var peer = new DcmtkPeer(Start(program, arguments, workingDirectory));
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        if (!peer._process.WaitForExit(limit))
        {
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not finish within {limit.TotalSeconds:0} s:\n{peer.StopAndLog()}");
        }

        var log = peer.StopAndLog();
        return (peer._process.ExitCode, log);
    }

    /// <summary>Starts a DICOM server (storescp) and waits until it accepts connections on <paramref name="port"/>.</summary>
    public static DcmtkPeer StartServer(string program, IEnumerable<string> arguments, int port)
    {
        var peer = new DcmtkPeer(Start(program, arguments, null));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return peer;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !peer._process.HasExited)
            {
                Thread.Sleep(20);
            }
            catch (SocketException)
            {
                var log = peer.StopAndLog();
                peer.Dispose();
                Assert.Fail($"{program} did not start listening on port {port}:\n{log}");
            }
        }
    }

    /// <summary>A free TCP port on the loopback interface (bound to port 0 and released).</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Stops the process (if it still runs) and returns what it wrote to standard output and error.</summary>
    public string StopAndLog()
    {
        Stop();
        return _output.Result + _error.Result;
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
    }

    private static Process Start(string program, IEnumerable<string> arguments, string? workingDirectory)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        start.Environment["TCP_NODELAY"] = "1";
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail($"{program} is not installed (apt-get install {Package}; the README's test command installs it).");
            throw;
        }
    }

    private void Stop()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }
}
