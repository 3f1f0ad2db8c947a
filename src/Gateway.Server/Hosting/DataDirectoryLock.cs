namespace Gateway.Server.Hosting;

/// <summary>
/// An exclusive lock on the data folder (data/gateway.lock) for the life of the process, so that two gateways never
/// share one folder. The operating system drops it when the process dies, even by kill -9, so a restart after a crash
/// takes it again (and adopts the embedded PostgreSQL the dead process left running).
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    private readonly FileStream _lock;

    private DataDirectoryLock(FileStream lockFile) => _lock = lockFile;

    /// <exception cref="InvalidOperationException">Another running gateway holds the folder.</exception>
    public static DataDirectoryLock Acquire(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "gateway.lock");
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            using (var writer = new StreamWriter(stream, leaveOpen: true))
            {
                writer.Write(Environment.ProcessId);
            }

            stream.Flush();
            return new DataDirectoryLock(stream);
        }
        catch (IOException exception)
        {
            throw new InvalidOperationException(
                $"The data folder {Path.GetFullPath(dataDirectory)} is in use by another running gateway ({path} is locked); stop it or use another --data folder.",
                exception);
        }
    }

    public void Dispose() => _lock.Dispose();
}
