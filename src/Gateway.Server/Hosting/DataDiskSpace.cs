namespace Gateway.Server.Hosting;

/// <summary>
/// The free space of the file systems the data folder's parts live on (objects, spool, cache, embedded PostgreSQL;
/// one statvfs each), against Gateway:MinFreeDiskBytes.
/// </summary>
internal static class DataDiskSpace
{
    public static ReadinessProblem? Check(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (_, folder) in Folders(options))
        {
            if (!Directory.Exists(folder))
            {
                continue;
            }

            var free = new DriveInfo(Path.GetFullPath(folder)).AvailableFreeSpace;
            if (free < options.MinFreeDiskBytes)
            {
                return new ReadinessProblem(
                    "disk",
                    $"the data disk is full: {Path.GetFullPath(folder)} has {Mebibytes(free)} free, less than Gateway:MinFreeDiskBytes ({Mebibytes(options.MinFreeDiskBytes)})",
                    BlocksStorage: true);
            }
        }

        return null;
    }

    /// <summary>The data folder's parts by name (objects, spool, postgres, cache, data), for the check and for /metrics.</summary>
    public static IReadOnlyList<(string Name, string Path)> Folders(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return
        [
            ("objects", options.ObjectsDirectory),
            ("spool", options.SpoolDirectory),
            ("postgres", options.PostgresDirectory),
            ("cache", options.CacheDirectory),
            ("data", options.DataDirectory),
        ];
    }

    private static string Mebibytes(long bytes) => $"{bytes / (1024.0 * 1024.0):F1} MiB";
}
