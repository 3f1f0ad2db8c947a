using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Gateway.Dicom.Tests.Network;

/// <summary>
/// A real DICOM peer (DCMTK tool, Orthanc, openssl) run by a test: output captured, and the whole process tree
/// killed on dispose so no peer outlives its test.
/// </summary>
internal sealed class PeerProcess : IDisposable
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
