namespace Gateway.Core.Storage;

/// <summary>
/// Received instances, stored objects and reconstructions hold patient data: files are created rw-r----- (0640) in
/// folders rwxr-x--- (0750), readable by the service user and its group only (before the umask, which can only take
/// more away). Windows has no such modes (its ACLs are inherited), so there the defaults apply.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    /// <summary>Creates <paramref name="path"/> and any missing folder above it, each with <see cref="FolderMode"/>.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        // Directory.CreateDirectory(path, mode) gives the mode to the last folder only: create the missing ones top down.
        var missing = new Stack<string>();
        for (var folder = Path.GetFullPath(path); !Directory.Exists(folder); folder = Path.GetDirectoryName(folder)!)
        {
            missing.Push(folder);
        }

        while (missing.TryPop(out var folder))
        {
            Directory.CreateDirectory(folder, FolderMode);
        }
    }

    /// <summary>A new file (it must not exist) for writing, created with <see cref="FileMode"/>.</summary>
    public static FileStream CreateNew(string path, int bufferSize = 4096, FileOptions options = FileOptions.None)
    {
        var settings = new FileStreamOptions
        {
            Mode = System.IO.FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = bufferSize,
            Options = options,
        };
        if (!OperatingSystem.IsWindows())
        {
            settings.UnixCreateMode = FileMode;
        }

        return new FileStream(path, settings);
    }
}
