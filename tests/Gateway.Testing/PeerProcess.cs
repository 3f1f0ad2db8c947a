using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Gateway.Testing;

/// <summary>
/// A real peer (DCMTK tool, Orthanc, openssl, a node script) run by a test: output captured, and stopped by its PID
/// when disposed so no peer outlives its test: at once (<see cref="Dispose"/>, the whole process tree) or politely
/// (<see cref="DisposeAsync"/>: SIGTERM, then SIGKILL after a grace period, for servers that clean up on exit).
/// </summary>
public sealed class PeerProcess : IDisposable, IAsyncDisposable
{
    private static readonly string[] SocketTables = ["/proc/net/tcp", "/proc/net/tcp6"];

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PeerProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
    }

    public string CommandLine { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Standard output and standard error so far, interleaved as they arrived.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="program"/>; fails the test naming the apt package when it is not installed.</summary>
    public static PeerProcess Start(
        string program,
        IEnumerable<string> arguments,
        string aptPackage,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var peer = new PeerProcess(process, program + " " + string.Join(' ', start.ArgumentList));
        process.OutputDataReceived += (_, line) => peer.Append(line.Data);
        process.ErrorDataReceived += (_, line) => peer.Append(line.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            process.Dispose();
            Assert.Fail($"{program} is not installed (apt-get install {aptPackage}; the README's test command installs it).");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    /// <summary>Runs a client tool to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string program,
        IEnumerable<string> arguments,
        string aptPackage,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null)
    {
        using var peer = Start(program, arguments, aptPackage, environment);
        var exitCode = await peer.WaitForExitAsync(timeout ?? TimeSpan.FromMinutes(2));
        return (exitCode, peer.Output);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            Assert.Fail($"{CommandLine} did not finish within {timeout.TotalSeconds:0} s. Output:\n{Output}");
        }

        // The asynchronous readers may still be draining; WaitForExit() without a timeout waits for them.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>
    /// Waits until something listens on TCP <paramref name="port"/> (read from /proc/net/tcp, so no probe connection
    /// disturbs the peer), or fails if the peer exits first.
    /// </summary>
    public async Task WaitForPortAsync(int port, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        var suffix = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        while (true)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"{CommandLine} exited with {_process.ExitCode} before listening on {port}:\n{Output}");
            }

            // Columns: sl local_address rem_address st ...; state 0A is LISTEN.
            var listening = SocketTables
                .Where(File.Exists)
                .SelectMany(File.ReadLines)
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Any(fields => fields.Length > 3 && fields[1].EndsWith(suffix, StringComparison.Ordinal) && fields[3] == "0A");
            if (listening)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{CommandLine} did not listen on {port} in time:\n{Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>A TCP port that was free on 127.0.0.1 a moment ago (for peers that cannot be given port 0).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls <paramref name="url"/> until it answers 200; fails the test with the process output otherwise.</summary>
    public async Task WaitUntilAnsweringAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (HasExited)
            {
                Assert.Fail($"{CommandLine} exited with {_process.ExitCode} while starting:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(url, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // This attempt timed out; try again.
            }

            await Task.Delay(200, cancellationToken);
        }

        Assert.Fail($"{CommandLine} did not answer {url} within {timeout.TotalSeconds} s:\n{Output}");
    }

    /// <summary>Kills the peer and its children at once.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var terminate = Process.Start("/bin/kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await terminate.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
            }
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
