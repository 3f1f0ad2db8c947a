using Microsoft.Extensions.Logging;

namespace Gateway.Infrastructure.Postgres;

/// <summary>
/// When the gateway runs as root, the embedded cluster runs as the `postgres` user, which must traverse every folder
/// above the cluster's. The gateway's own data folder is made traversable (o+x: enter, not list) when it is not
/// (`mktemp -d` makes it 0700); a folder above it is left alone and named, with the command that fixes it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static partial class PostgresFolderAccess
{
    // Prints the first folder the postgres user cannot enter, and fails; succeeds when it can enter them all.
    private const string FirstBlocked = "for d do [ -x \"$d\" ] || { printf %s \"$d\"; exit 1; }; done";

    public static async Task GrantAsync(string clusterDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.GetDirectoryName(clusterDirectory) ?? "/";
        var blocked = await FirstBlockedAsync(clusterDirectory, cancellationToken).ConfigureAwait(false);
        if (blocked == dataDirectory)
        {
            var mode = File.GetUnixFileMode(dataDirectory);
            File.SetUnixFileMode(dataDirectory, mode | UnixFileMode.OtherExecute);
            Log.MadeTraversable(logger, dataDirectory, Octal(mode), Octal(mode | UnixFileMode.OtherExecute), clusterDirectory);
            blocked = await FirstBlockedAsync(clusterDirectory, cancellationToken).ConfigureAwait(false);
        }

        if (blocked is not null)
        {
            throw new InvalidOperationException(
                $"The embedded PostgreSQL runs as the postgres user, which cannot enter {blocked} (mode {Octal(File.GetUnixFileMode(blocked))}) on the way to {clusterDirectory}. " +
                $"Run `chmod o+x {blocked}` (or `setfacl -m u:postgres:x {blocked}`), or give --data a folder the postgres user can reach.");
        }
    }

    /// <summary>The first folder from / down to <paramref name="clusterDirectory"/>'s parent that the postgres user cannot enter, or null.</summary>
    private static async Task<string?> FirstBlockedAsync(string clusterDirectory, CancellationToken cancellationToken)
    {
        var folders = new List<string>();
        for (var folder = Path.GetDirectoryName(clusterDirectory); !string.IsNullOrEmpty(folder); folder = Path.GetDirectoryName(folder))
        {
            folders.Insert(0, folder);
        }

        var (exitCode, output) = await EmbeddedPostgres.RunForOutputAsync("runuser", ["-u", "postgres", "--", "sh", "-c", FirstBlocked, "sh", .. folders], cancellationToken).ConfigureAwait(false);
        return exitCode == 0 ? null : output;
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    private static partial class Log
    {
        [LoggerMessage(EventId = 7412, Level = LogLevel.Warning, Message = "The data folder {Directory} was not traversable by the postgres user: mode {Before} changed to {After} (enter, not list) so that it reaches {Cluster}")]
        public static partial void MadeTraversable(ILogger logger, string directory, string before, string after, string cluster);
    }
}
