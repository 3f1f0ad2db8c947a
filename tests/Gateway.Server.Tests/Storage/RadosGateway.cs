using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using Gateway.Infrastructure.Storage.S3;

[assembly: AssemblyFixture(typeof(Gateway.Server.Tests.Storage.RadosGateway))]

namespace Gateway.Server.Tests.Storage;

/// <summary>
/// A real S3 server for the test run: Ceph's radosgw from Debian on loopback (one monitor, one memory-backed OSD, no
/// authentication inside the cluster), started the first time a test asks for it (~12 s) and stopped when the run
/// ends. Each test gets its own bucket. Tests skip with the packages to install when Ceph is absent.
/// </summary>
public sealed class RadosGateway : IAsyncLifetime
{
    private const string AptPackages = "ceph-mon ceph-osd radosgw (scripts/install-test-deps.sh installs them)";
    private const string AccessKey = "GATEWAYTESTACCESSKEY";
    private const string SecretKey = "gateway-test-secret-key-0000000000000001";
    private static readonly string[] Programs = ["/usr/bin/ceph-mon", "/usr/bin/ceph-osd", "/usr/bin/radosgw", "/usr/bin/radosgw-admin", "/usr/bin/ceph", "/usr/bin/monmaptool", "/usr/bin/ceph-authtool"];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "gateway-tests-ceph-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly List<PeerProcess> _daemons = [];
    private string? _serviceUrl;
    private string? _failure;

    public string ServiceUrl => _serviceUrl ?? throw new InvalidOperationException("radosgw is not started.");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// Starts radosgw once (skips the test when Ceph is not installed) and creates a fresh bucket; the settings of a
    /// store in it, with the smallest multipart threshold (5 MiB) and no minimum age for the orphan sweep.
    /// </summary>
    public async Task<S3ObjectStoreOptions> CreateBucketAsync(CancellationToken cancellationToken)
    {
        await EnsureStartedAsync(cancellationToken);
        var options = new S3ObjectStoreOptions
        {
            ServiceUrl = ServiceUrl,
            Bucket = "test-" + Guid.NewGuid().ToString("N")[..12],
            AccessKeyId = AccessKey,
            SecretAccessKey = SecretKey,
            MultipartThresholdBytes = 5L << 20,
            OrphanMinAgeSeconds = 0,
            MaxAttempts = 3,
        };
        using var client = S3Clients.Create(options);
        await client.PutBucketAsync(new PutBucketRequest { BucketName = options.Bucket }, cancellationToken);
        return options;
    }

    /// <summary>A client of the server with the tests' credentials (to look behind a store's back).</summary>
    public AmazonS3Client CreateClient() => S3Clients.Create(new S3ObjectStoreOptions { ServiceUrl = ServiceUrl, AccessKeyId = AccessKey, SecretAccessKey = SecretKey });

    /// <summary>The settings as GATEWAY__OBJECTSTORE__* variables, for a gateway process.</summary>
    public static Dictionary<string, string> EnvironmentOf(S3ObjectStoreOptions options) => new()
    {
        ["GATEWAY__OBJECTSTORE__KIND"] = "S3",
        ["GATEWAY__OBJECTSTORE__S3__SERVICEURL"] = options.ServiceUrl!,
        ["GATEWAY__OBJECTSTORE__S3__BUCKET"] = options.Bucket,
        ["GATEWAY__OBJECTSTORE__S3__MULTIPARTTHRESHOLDBYTES"] = options.MultipartThresholdBytes.ToString(CultureInfo.InvariantCulture),
        ["GATEWAY__OBJECTSTORE__S3__ORPHANMINAGESECONDS"] = options.OrphanMinAgeSeconds.ToString(CultureInfo.InvariantCulture),
        ["AWS_ACCESS_KEY_ID"] = options.AccessKeyId!,
        ["AWS_SECRET_ACCESS_KEY"] = options.SecretAccessKey!,
    };

    public async ValueTask DisposeAsync()
    {
        StopDaemons();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        _starting.Dispose();
        await ValueTask.CompletedTask;
    }

    private async Task EnsureStartedAsync(CancellationToken cancellationToken)
    {
        var missing = Programs.FirstOrDefault(program => !File.Exists(program));
        if (missing is not null)
        {
            Assert.Skip($"{missing} is not installed: the S3 tests need a real radosgw (apt-get install {AptPackages}).");
        }

        await _starting.WaitAsync(cancellationToken);
        try
        {
            Assert.True(_failure is null, _failure);
            if (_serviceUrl is null)
            {
                await StartWithRetryAsync();
            }
        }
        finally
        {
            _starting.Release();
        }
    }

    /// <summary>
    /// Starts the daemons; a start that fails (seen once in a full run: the OSD's first command was refused with
    /// "wrong fsid") is stopped and tried once more in a new folder with new ports and a new cluster id.
    /// </summary>
    private async Task StartWithRetryAsync()
    {
        var failures = new List<string>();
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var folder = Path.Combine(_folder, $"attempt-{attempt}");
            try
            {
                await StartAsync(folder);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                failures.Add($"attempt {attempt}: {exception.Message}\n{LogTails(folder)}");
                StopDaemons();
            }
        }

        _failure = "radosgw did not start:\n" + string.Join('\n', failures);
        throw new InvalidOperationException(_failure);
    }

    private void StopDaemons()
    {
        for (var index = _daemons.Count - 1; index >= 0; index--)
        {
            _daemons[index].Dispose();
        }

        _daemons.Clear();
    }

    private async Task StartAsync(string folder)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var monitorPort = PeerProcess.FreeLoopbackPort();
        var gatewayPort = PeerProcess.FreeLoopbackPort();
        var daemonPorts = Random.Shared.Next(10000, 30000);
        foreach (var part in new[] { "run", "log", "mon/a", "osd/0", "rgw" })
        {
            Directory.CreateDirectory(Path.Combine(folder, part));
        }

        var fsid = Guid.NewGuid().ToString();
        var config = Path.Combine(folder, "ceph.conf");
        await File.WriteAllTextAsync(config, $"""
            [global]
            fsid = {fsid}
            mon host = v1:127.0.0.1:{monitorPort}
            ms bind msgr2 = false
            public addr = 127.0.0.1
            cluster addr = 127.0.0.1
            ms bind ipv6 = false
            ms bind port min = {daemonPorts}
            ms bind port max = {daemonPorts + 99}
            auth cluster required = none
            auth service required = none
            auth client required = none
            auth allow insecure global id reclaim = true
            osd pool default size = 1
            osd pool default min size = 1
            mon allow pool size one = true
            mon warn on pool no redundancy = false
            mon data avail warn = 1
            mon data avail crit = 0
            osd crush chooseleaf type = 0
            osd pool default pg autoscale mode = off
            osd pool default pg num = 8
            osd pool default pgp num = 8
            mon max pg per osd = 1000
            run dir = {folder}/run
            admin socket = {folder}/run/$name.asok
            log file = {folder}/log/$name.log
            pid file = {folder}/run/$name.pid
            keyring = {folder}/keyring
            [mon.a]
            mon data = {folder}/mon/a
            [osd]
            osd data = {folder}/osd/$id
            osd objectstore = memstore
            memstore device bytes = 1073741824
            osd max object name len = 256
            osd max object namespace len = 64
            [client.rgw.test]
            rgw frontends = beast endpoint=127.0.0.1:{gatewayPort}
            rgw data = {folder}/rgw

            """);

        string[] c = ["-c", config];
        await RunAsync("/usr/bin/ceph-authtool", ["--create-keyring", Path.Combine(folder, "keyring"), "--gen-key", "-n", "mon.", "--cap", "mon", "allow *"]);
        await RunAsync("/usr/bin/monmaptool", ["--create", "--addv", "a", $"[v1:127.0.0.1:{monitorPort}]", "--fsid", fsid, Path.Combine(folder, "monmap")]);
        await RunAsync("/usr/bin/ceph-mon", [.. c, "--mkfs", "-i", "a", "--monmap", Path.Combine(folder, "monmap"), "--keyring", Path.Combine(folder, "keyring")]);
        _daemons.Add(PeerProcess.Start("/usr/bin/ceph-mon", [.. c, "-i", "a", "-f"], AptPackages));
        await RunAsync("/usr/bin/ceph", [.. c, "--connect-timeout", "30", "osd", "create"]);
        await RunAsync("/usr/bin/ceph-osd", [.. c, "-i", "0", "--mkfs"]);
        _daemons.Add(PeerProcess.Start("/usr/bin/ceph-osd", [.. c, "-i", "0", "-f"], AptPackages));
        var gateway = PeerProcess.Start("/usr/bin/radosgw", [.. c, "-n", "client.rgw.test", "-f"], AptPackages);
        _daemons.Add(gateway);
        await gateway.WaitUntilAnsweringAsync(new Uri($"http://127.0.0.1:{gatewayPort}/"), TimeSpan.FromSeconds(120), CancellationToken.None);
        await RunAsync("/usr/bin/radosgw-admin", [.. c, "user", "create", "--uid=gateway-tests", "--display-name=Gateway tests", $"--access-key={AccessKey}", $"--secret-key={SecretKey}"]);
        _serviceUrl = $"http://127.0.0.1:{gatewayPort}";
        TestContext.Current.SendDiagnosticMessage($"radosgw started in {started.Elapsed.TotalSeconds:F1} s on {_serviceUrl}");
    }

    /// <summary>The last lines of each daemon's log in <paramref name="folder"/>, for a start that failed.</summary>
    private static string LogTails(string folder)
    {
        var logs = Path.Combine(folder, "log");
        return Directory.Exists(logs)
            ? string.Join('\n', Directory.GetFiles(logs).Order(StringComparer.Ordinal).Select(log => $"== {Path.GetFileName(log)}\n{string.Join('\n', File.ReadLines(log).TakeLast(15))}"))
            : string.Empty;
    }

    private static async Task RunAsync(string program, string[] arguments)
    {
        var (exitCode, output) = await PeerProcess.RunAsync(program, arguments, AptPackages, timeout: TimeSpan.FromSeconds(90));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {exitCode}:\n{output}");
        }
    }
}
