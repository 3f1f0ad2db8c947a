using System.Security.Cryptography;
using Gateway.Core.Storage;

namespace Gateway.Infrastructure.Storage;

/// <summary>
/// Objects as files under a root folder (two levels of hashed sub-folders). A put writes a temporary file,
/// flushes it to disk, renames it into place and flushes the folder, so an object is either whole or absent. Files
/// are 0640 in 0750 folders (<see cref="PrivateFiles"/>).
/// </summary>
public sealed class FileSystemObjectStore : IObjectStore, ISweepableObjectStore
{
    private const string TemporaryFolder = ".tmp";
    private readonly string _root;

    /// <summary>Hashed sub-folders known to exist (created once, never removed), so a put does not ask the file system again.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _knownFolders = new(StringComparer.Ordinal);

    public FileSystemObjectStore(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        _root = Path.GetFullPath(root);
        PrivateFiles.CreateFolder(Path.Combine(_root, TemporaryFolder));
    }

    public async Task<StoredObject> PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(key);
        var temporary = Path.Combine(_root, TemporaryFolder, Guid.NewGuid().ToString("N"));
        try
        {
            long size;
            byte[] hash;
            // Plain (synchronous) file I/O: on Linux .NET's "asynchronous" file I/O runs the same blocking call on another
            // thread-pool thread, so each chunk cost a thread hop; page-cache writes return at once.
            using (var file = PrivateFiles.CreateNew(temporary, bufferSize: 0))
            {
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 16);
                try
                {
                    int read;
                    while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        sha.AppendData(buffer, 0, read);
                        file.Write(buffer, 0, read);
                    }
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                }

                file.Flush(flushToDisk: true);
                size = file.Length;
                hash = sha.GetHashAndReset();
            }

            var folder = Path.GetDirectoryName(path)!;
            if (!_knownFolders.ContainsKey(folder))
            {
                PrivateFiles.CreateFolder(folder);
                _knownFolders.TryAdd(folder, 0);
            }

            File.Move(temporary, path, overwrite: true);
            FlushDirectory(folder);
            return new StoredObject(key, size, Convert.ToHexStringLower(hash));
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult<Stream>(new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.SequentialScan));
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(key);
        }
    }

    public async Task<Stream> OpenRangeAsync(string key, long offset, long length, CancellationToken cancellationToken)
    {
        var stream = await OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        stream.Seek(offset, SeekOrigin.Begin);
        return new BoundedReadStream(stream, length);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            File.Delete(PathOf(key));
        }
        catch (DirectoryNotFoundException)
        {
            // Its folder was never created (a crash before the rename): the object does not exist.
        }

        return Task.CompletedTask;
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => Task.FromResult(File.Exists(PathOf(key)));

    /// <summary>
    /// Deletes the temporary files of puts that never finished (a crash); returns how many. Only safe while no put
    /// runs: at start-up, before the listeners open.
    /// </summary>
    public Task<int> DeleteUnfinishedAsync(CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_root, TemporaryFolder)))
        {
            File.Delete(file);
            deleted++;
        }

        return Task.FromResult(deleted);
    }

    /// <summary>Keys of every object (for the orphan sweep), without the temporary folder.</summary>
    public IAsyncEnumerable<string> ListSweepableKeysAsync(CancellationToken cancellationToken) =>
        Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)
            .Where(path => !path.StartsWith(Path.Combine(_root, TemporaryFolder), StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .OfType<string>()
            .ToAsyncEnumerable();

    private string PathOf(string key)
    {
        ObjectKeys.Validate(key);
        var digest = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
        return Path.Combine(_root, digest[..2], digest[2..4], key);
    }

    /// <summary>Makes a rename durable: fsync of the folder that holds the new name.</summary>
    private static void FlushDirectory(string folder)
    {
        if (OperatingSystem.IsLinux())
        {
            NativeFileSync.FlushDirectory(folder);
        }
    }
}
