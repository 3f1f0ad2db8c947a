using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Server.Tests.Crash;

/// <summary>`gateway serve` or `gateway worker` as a child process (the built gateway.dll under dotnet), so a test can kill -9 it.</summary>
internal sealed class GatewayProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private GatewayProcess(Process process, int httpPort)
    {
        _process = process;
        HttpPort = httpPort;
        process.OutputDataReceived += (_, line) => Append(line.Data);
        process.ErrorDataReceived += (_, line) => Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int HttpPort { get; }

    /// <summary>The gateway's process id (for /proc/{id}/status).</summary>
    public int ProcessId => _process.Id;

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

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// Starts `gateway serve` and waits until /health/ready answers 200; <paramref name="environment"/> adds or overrides
    /// settings (e.g. Gateway__Compression__Enabled), <paramref name="flags"/> are added to the command line (--no-workers).
    /// </summary>
    public static Task<GatewayProcess> StartAsync(string dataDirectory, int httpPort, int dicomPort, string postgres, IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? flags = null) =>
        WaitReadyAsync(Launch(dataDirectory, httpPort, dicomPort, postgres, environment, flags));

    /// <summary>Starts `gateway worker` with its management port (health checks, /metrics) on <paramref name="managementPort"/> and waits until it is ready.</summary>
    public static Task<GatewayProcess> StartWorkerAsync(string dataDirectory, int managementPort, string postgres, IReadOnlyDictionary<string, string>? environment = null) =>
        WaitReadyAsync(Start(["worker", "--data", dataDirectory, "--management", $"127.0.0.1:{managementPort}", "--postgres", postgres], managementPort, environment));

    private static async Task<GatewayProcess> WaitReadyAsync(GatewayProcess gateway)
    {
        var httpPort = gateway.HttpPort;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (gateway._process.HasExited)
            {
                Assert.Fail($"gateway serve exited with {gateway._process.ExitCode}:\n{gateway.Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{httpPort}/health/ready"), TestContext.Current.CancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return gateway;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        gateway.Dispose();
        Assert.Fail("gateway serve did not become ready in 90 s:\n" + gateway.Output);
        return null;
    }

    /// <summary>Starts `gateway serve` without waiting for it (<see cref="StartAsync"/> waits until it is ready).</summary>
    public static GatewayProcess Launch(string dataDirectory, int httpPort, int dicomPort, string postgres, IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? flags = null) =>
        Start(
            [
                "serve", "--data", dataDirectory, "--http", $"127.0.0.1:{httpPort}",
                "--dicom-port", dicomPort.ToString(CultureInfo.InvariantCulture), "--postgres", postgres, .. flags ?? [],
            ],
            httpPort,
            environment);

    /// <summary>Runs gateway.dll with <paramref name="arguments"/>; <paramref name="httpPort"/> is the port its /health/ready answers on.</summary>
    private static GatewayProcess Start(IEnumerable<string> arguments, int httpPort, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments.Prepend(GatewayDll()))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Gateway__NodeName"] = "crash-test-node";

        // The ingest crash tests check the originals kept across a crash; compression would replace them (the compression crash tests turn it on).
        start.Environment["Gateway__Compression__Enabled"] = "false";
        start.Environment["Gateway__JobDelaySeconds"] = "0";
        start.Environment["Gateway__Console__FiguresMaxAgeSeconds"] = "0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new GatewayProcess(Process.Start(start)!, httpPort);
    }

    /// <summary>Waits until the process exits by itself (its output read to the end) and returns its exit code (128 + the signal's number when a signal ended it).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"gateway serve did not exit within {timeout.TotalSeconds:F0} s:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KillHard();
        }

        _process.Dispose();
    }

    /// <summary>gateway.dll from the build output (copied beside the tests, or under src/Gateway.Server/bin).</summary>
    internal static string GatewayDll()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "gateway.dll");
        if (File.Exists(beside) && File.Exists(Path.ChangeExtension(beside, ".runtimeconfig.json")))
        {
            return beside;
        }

        var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var built = Path.Combine(TestData.RepositoryRoot, "src", "Gateway.Server", "bin", configuration, "net10.0", "gateway.dll");
        Assert.True(File.Exists(built), $"Build the gateway first: {built} is missing.");
        return built;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
