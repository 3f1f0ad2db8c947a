using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Gateway.Infrastructure.Postgres;

/// <summary>
/// A private PostgreSQL cluster in a folder of the gateway's, initialised, started and stopped by the gateway
/// itself. It listens on a Unix socket only (no TCP port), readable by its owner alone; as root it runs as the
/// `postgres` user, since PostgreSQL refuses to run as root.
/// </summary>
public sealed partial class EmbeddedPostgres : IAsyncDisposable
{
    private const string Database = "gateway";
    private const int SocketPathLimit = 100;

    private readonly string _dataDirectory;
    private readonly ILogger _logger;
    private readonly string _binaries;
    private readonly string _socketDirectory;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _started;

    /// <summary>Since when the server is found dead and not yet restarted (a restart may take several attempts).</summary>
    private Stopwatch? _downFor;

    public EmbeddedPostgres(string dataDirectory, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        ArgumentNullException.ThrowIfNull(logger);
        _dataDirectory = Path.GetFullPath(dataDirectory);
        _logger = logger;
        _binaries = FindBinaries();
        _socketDirectory = _dataDirectory.Length + 20 < SocketPathLimit
            ? _dataDirectory
            : Path.Combine(Path.GetTempPath(), "gwpg-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(_dataDirectory)))[..12].ToLowerInvariant());
    }

    /// <summary>Connection string for the gateway's database in this cluster.</summary>
    public string ConnectionString => ConnectionStringFor(Database);

    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = _socketDirectory,
        Username = RunAsPostgres ? "postgres" : Environment.UserName,
        Database = database,
        Pooling = true,
        MaxPoolSize = 50,
    }.ConnectionString;

    private static bool RunAsPostgres => Environment.UserName == "root";

    /// <summary>Initialises the cluster on first use, starts it, and creates the gateway's database.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_dataDirectory);
        Directory.CreateDirectory(_socketDirectory);
        if (RunAsPostgres && OperatingSystem.IsLinux())
        {
            await PostgresFolderAccess.GrantAsync(_dataDirectory, _logger, cancellationToken).ConfigureAwait(false);
        }

        if (RunAsPostgres)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", _dataDirectory, _socketDirectory], cancellationToken).ConfigureAwait(false);
        }

        if (!File.Exists(Path.Combine(_dataDirectory, "PG_VERSION")))
        {
            Log.Initialising(_logger, _dataDirectory);
            await RunPostgresToolAsync("initdb", ["-D", _dataDirectory, "-U", RunAsPostgres ? "postgres" : Environment.UserName, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], cancellationToken).ConfigureAwait(false);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await IsRunningAsync(cancellationToken).ConfigureAwait(false))
            {
                // A previous process died without stopping it (kill -9, power loss of the process only): its server is
                // still consistent, so take it over instead of failing on the lock it holds.
                Log.Adopted(_logger, _dataDirectory);
            }
            else
            {
                await StartServerAsync(cancellationToken).ConfigureAwait(false);
            }

            _started = true;
        }
        finally
        {
            _gate.Release();
        }

        await CreateDatabaseAsync(Database, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the server again when it was started here and its postmaster has died since (kill -9, the OOM killer);
    /// true when it was restarted. Throws when the restart fails (the next call tries again: after a kill -9 the
    /// orphaned backends hold the shared memory for a moment).
    /// </summary>
    public async Task<bool> RestartIfDiedAsync(CancellationToken cancellationToken)
    {
        if (!_started || IsPostmasterAlive())
        {
            return false;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_started || IsPostmasterAlive())
            {
                return false;
            }

            if (_downFor is null)
            {
                Log.Died(_logger, _dataDirectory);
                _downFor = Stopwatch.StartNew();
            }

            await StartServerAsync(cancellationToken).ConfigureAwait(false);
            NpgsqlConnection.ClearAllPools();
            Log.Restarted(_logger, _dataDirectory, _downFor.Elapsed.TotalSeconds);
            _downFor = null;
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// False when the server was started here and its postmaster has died: the orphaned backends may still answer a
    /// pooled connection for a moment, but nothing new can connect and nothing is safe to commit.
    /// </summary>
    public bool IsServing => !_started || IsPostmasterAlive();

    /// <summary>Whether the postmaster named by postmaster.pid is a live process (read from /proc, no process started).</summary>
    private bool IsPostmasterAlive()
    {
        string firstLine;
        try
        {
            using var reader = new StreamReader(Path.Combine(_dataDirectory, "postmaster.pid"));
            firstLine = reader.ReadLine() ?? string.Empty;
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return false;
        }

        if (!int.TryParse(firstLine.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        try
        {
            // /proc/PID/stat: "PID (comm) STATE ..."; a zombie (Z) or a reused PID of another program is not the postmaster.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            return close > open && open >= 0 && stat[(open + 1)..close] == "postgres" && close + 2 < stat.Length && stat[close + 2] != 'Z';
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        // lz4 compresses the stored headers (json, mostly TOASTed) at a fraction of the CPU of the default pglz. Crash
        // recovery (after a kill -9) flushes the data folder with one syncfs instead of an fsync per file, which took
        // most of a restart's 10 s on a busy machine.
        var options = $"-c listen_addresses='' -c unix_socket_directories='{_socketDirectory}' -c unix_socket_permissions=0700 -c max_connections=200 -c fsync=on -c default_toast_compression=lz4 -c recovery_init_sync_method=syncfs";
        await RunPostgresToolAsync("pg_ctl", ["-D", _dataDirectory, "-l", Path.Combine(_dataDirectory, "postgres.log"), "-w", "-t", "60", "-o", options, "start"], cancellationToken).ConfigureAwait(false);
        Log.Started(_logger, _dataDirectory, _socketDirectory);
    }

    /// <summary>Creates a database in the cluster unless it exists (tests use one per fixture).</summary>
    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            await using var create = new NpgsqlCommand($"create database \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops the cluster (fast shutdown: open transactions roll back, data is safe). pg_ctl waits up to 5 minutes, not
    /// its default 60 s: the shutdown checkpoint first finishes a running one, which took 95 s for a cluster of many
    /// databases (37,511 files to sync) on this project's loaded 2-core machine.
    /// </summary>
    public async Task StopAsync()
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (!_started)
            {
                return;
            }

            _started = false;
            NpgsqlConnection.ClearAllPools();
            try
            {
                await RunPostgresToolAsync("pg_ctl", ["-D", _dataDirectory, "-m", "fast", "-w", "-t", "300", "stop"], CancellationToken.None).ConfigureAwait(false);
            }
            catch (InvalidOperationException exception) when (!IsPostmasterAlive())
            {
                // pg_ctl also fails when the postmaster is gone but its postmaster.pid is not ("died untimely", as
                // after a restart that followed a kill -9): the server is stopped all the same.
                Log.StopUnconfirmed(_logger, _dataDirectory, exception.Message);
            }

            Log.Stopped(_logger, _dataDirectory);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private static string FindBinaries()
    {
        var configured = Environment.GetEnvironmentVariable("GATEWAY_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        const string Root = "/usr/lib/postgresql";
        var newest = Directory.Exists(Root)
            ? Directory.GetDirectories(Root)
                .Select(folder => (Folder: folder, Version: int.TryParse(Path.GetFileName(folder), out var version) ? version : 0))
                .Where(candidate => File.Exists(Path.Combine(candidate.Folder, "bin", "pg_ctl")))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => Path.Combine(candidate.Folder, "bin"))
                .FirstOrDefault()
            : null;
        return newest ?? throw new InvalidOperationException(
            "PostgreSQL server binaries were not found under /usr/lib/postgresql (apt-get install postgresql), and GATEWAY_PG_BIN is not set; or pass --postgres to use an existing server.");
    }

    /// <summary>Whether a server runs on the data folder (pg_ctl status: 0 running, 3 not running).</summary>
    private async Task<bool> IsRunningAsync(CancellationToken cancellationToken)
    {
        var program = Path.Combine(_binaries, "pg_ctl");
        string[] arguments = ["-D", _dataDirectory, "status"];
        var exitCode = RunAsPostgres
            ? await RunForExitCodeAsync("runuser", ["-u", "postgres", "--", program, .. arguments], cancellationToken).ConfigureAwait(false)
            : await RunForExitCodeAsync(program, arguments, cancellationToken).ConfigureAwait(false);
        return exitCode == 0;
    }

    private Task RunPostgresToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var program = Path.Combine(_binaries, tool);
        return RunAsPostgres
            ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments], cancellationToken)
            : RunAsync(program, arguments, cancellationToken);
    }

    private static async Task<int> RunForExitCodeAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        (await RunForOutputAsync(program, arguments, cancellationToken).ConfigureAwait(false)).ExitCode;

    /// <summary>Runs a program to its end; its exit code and its standard output.</summary>
    internal static async Task<(int ExitCode, string Output)> RunForOutputAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        using var process = StartProcess(program, arguments);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(output, error).ConfigureAwait(false);
        return (process.ExitCode, await output.ConfigureAwait(false));
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        using var process = StartProcess(program, arguments);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} failed ({process.ExitCode}): {(await error.ConfigureAwait(false)).Trim()} {(await output.ConfigureAwait(false)).Trim()}");
        }
    }

    private static Process StartProcess(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7400, Level = LogLevel.Information, Message = "Initialising the embedded PostgreSQL cluster in {Directory}")]
        public static partial void Initialising(ILogger logger, string directory);

        [LoggerMessage(EventId = 7401, Level = LogLevel.Information, Message = "Embedded PostgreSQL started ({Directory}, socket in {Socket})")]
        public static partial void Started(ILogger logger, string directory, string socket);

        [LoggerMessage(EventId = 7402, Level = LogLevel.Information, Message = "Embedded PostgreSQL in {Directory} stopped")]
        public static partial void Stopped(ILogger logger, string directory);

        [LoggerMessage(EventId = 7406, Level = LogLevel.Warning, Message = "Embedded PostgreSQL in {Directory}: pg_ctl stop failed ({Error}), but no server runs on the folder any more")]
        public static partial void StopUnconfirmed(ILogger logger, string directory, string error);

        [LoggerMessage(EventId = 7403, Level = LogLevel.Warning, Message = "Embedded PostgreSQL in {Directory} was left running by a previous gateway process; taking it over")]
        public static partial void Adopted(ILogger logger, string directory);

        [LoggerMessage(EventId = 7410, Level = LogLevel.Error, Message = "Embedded PostgreSQL in {Directory} is not running (its postmaster died): restarting it")]
        public static partial void Died(ILogger logger, string directory);

        [LoggerMessage(EventId = 7411, Level = LogLevel.Warning, Message = "Embedded PostgreSQL in {Directory} restarted, {Seconds:F1} s after it was found dead")]
        public static partial void Restarted(ILogger logger, string directory, double seconds);
    }
}
