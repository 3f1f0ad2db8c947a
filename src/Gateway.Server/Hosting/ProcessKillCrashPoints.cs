using System.Diagnostics;
using Gateway.Core.Jobs;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Hosting;

/// <summary>
/// The crash points of <see cref="TestingOptions"/>: at the armed point, reached for the armed time, the process
/// writes one line to standard error and kills itself with SIGKILL (no shutdown code runs, as with kill -9).
/// </summary>
public sealed partial class ProcessKillCrashPoints : ICrashPoints
{
    private readonly string? _point;
    private readonly int _count;
    private int _reached;

    public ProcessKillCrashPoints(IOptions<TestingOptions> options, ILogger<ProcessKillCrashPoints> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        (_point, _count) = (options.Value.KillAt, options.Value.KillAtCount);
        if (_point is not null)
        {
            Log.Armed(logger, _point, _count);
        }
    }

    public void Reached(string point)
    {
        if (_point is null || point != _point || Interlocked.Increment(ref _reached) != _count)
        {
            return;
        }

        // Written straight to standard error, not logged: the console logger writes on a background thread that the
        // kill would cut off, and a test waits for this line.
        Console.Error.WriteLine($"CRASH POINT {point}: reached {_count} time(s), killing the process (SIGKILL)");
        Console.Error.Flush();
        using var process = Process.GetCurrentProcess();
        process.Kill();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7405, Level = LogLevel.Warning, Message = "TEST CRASH POINT ARMED: the process kills itself (SIGKILL) once {Point} has been reached {Count} time(s)")]
        public static partial void Armed(ILogger logger, string point, int count);
    }
}
