using System.Security.Cryptography;
using System.Text;
using Gateway.Core.Retrieve;
using Gateway.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Gateway.Infrastructure.Storage;

/// <summary>
/// Reconstructed instance files on disk (data/cache by default), keyed by SOP Instance UID and the SHA-256 of the
/// stored object they were decoded from, bounded in size: the entries used longest ago are evicted first. An entry is
/// written to a temporary file and renamed into place, and carries the SHA-256 of its content, so a torn, truncated or
/// corrupted entry is never served: it is deleted and the caller rebuilds it. A decode that began before the latest
/// removal keeps nothing, so a deleted instance leaves no copy behind. A limit of 0 disables the cache.
/// </summary>
public sealed partial class FileReconstructionCache : IReconstructionCache
{
    private const string EntryExtension = ".rc";
    private const string TemporaryExtension = ".tmp";
    private static readonly byte[] Magic = "MVRCACH1"u8.ToArray();
    private static readonly int PrefixLength = Magic.Length + SHA256.HashSizeInBytes;

    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly ILogger<FileReconstructionCache> _logger;
    private readonly Lock _evictionLock = new();
    private readonly Lock _removalLock = new();
    private long _lastRemoval = long.MinValue;
    private long _totalBytes = -1;

    public FileReconstructionCache(string directory, long maxBytes, ILogger<FileReconstructionCache> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        ArgumentNullException.ThrowIfNull(logger);
        _directory = directory;
        _maxBytes = maxBytes;
        _logger = logger;
    }

    public bool Enabled => _maxBytes > 0;

    /// <summary>The bytes the entries take on disk now.</summary>
    public long TotalBytes
    {
        get
        {
            EnsureScanned();
            return Interlocked.Read(ref _totalBytes);
        }
    }

    /// <summary>Whether a (not yet verified) entry exists for the key.</summary>
    public bool Contains(string sopInstanceUid, string sourceSha256) => Enabled && File.Exists(PathOf(sopInstanceUid, sourceSha256));

    /// <summary>The cached file content, or null when there is none or it does not verify (then it is deleted). A hit counts as a use for eviction.</summary>
    public byte[]? TryGet(string sopInstanceUid, string sourceSha256)
    {
        if (!Enabled)
        {
            return null;
        }

        var path = PathOf(sopInstanceUid, sourceSha256);
        byte[] entry;
        try
        {
            entry = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            // A miss; the folder itself is made by the first entry written (a new data folder, or a cache emptied by hand).
            return null;
        }
        catch (IOException exception)
        {
            Log.Unreadable(_logger, path, exception.Message);
            return null;
        }

        var content = Verify(entry);
        if (content is null)
        {
            Log.Corrupted(_logger, sopInstanceUid, path);
            Remove(path);
            return null;
        }

        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (IOException)
        {
            // Evicted meanwhile: the content read is still good.
        }

        return content;
    }

    /// <summary>Stores a reconstructed file (atomically), then evicts the least recently used entries beyond the limit.</summary>
    public void Put(string sopInstanceUid, string sourceSha256, ReadOnlySpan<byte> content, long decodeStarted)
    {
        if (!Enabled || content.Length + PrefixLength > _maxBytes)
        {
            return;
        }

        EnsureScanned();
        var path = PathOf(sopInstanceUid, sourceSha256);
        var temporary = $"{path}.{Guid.NewGuid():N}{TemporaryExtension}";
        var previous = File.Exists(path) ? new FileInfo(path).Length : 0;
        try
        {
            using (var stream = PrivateFiles.CreateNew(temporary))
            {
                stream.Write(Magic);
                stream.Write(SHA256.HashData(content));
                stream.Write(content);
            }

            lock (_removalLock)
            {
                if (_lastRemoval >= decodeStarted)
                {
                    TryDelete(temporary);
                    return;
                }

                File.Move(temporary, path, overwrite: true);
            }
        }
        catch (IOException exception)
        {
            Log.WriteFailed(_logger, path, exception.Message);
            TryDelete(temporary);
            return;
        }

        Interlocked.Add(ref _totalBytes, content.Length + PrefixLength - previous);
        if (Interlocked.Read(ref _totalBytes) > _maxBytes)
        {
            Evict();
        }
    }

    public void Remove(string sopInstanceUid, string sourceSha256)
    {
        if (!Enabled)
        {
            return;
        }

        lock (_removalLock)
        {
            _lastRemoval = System.Diagnostics.Stopwatch.GetTimestamp();
            Remove(PathOf(sopInstanceUid, sourceSha256));
        }
    }

    /// <summary>Counts what is on disk the first time it is needed, removing temporary files a crash left.</summary>
    private void EnsureScanned()
    {
        if (Interlocked.Read(ref _totalBytes) >= 0)
        {
            return;
        }

        lock (_evictionLock)
        {
            if (_totalBytes >= 0)
            {
                return;
            }

            PrivateFiles.CreateFolder(_directory);
            foreach (var stale in Directory.EnumerateFiles(_directory, "*" + TemporaryExtension))
            {
                TryDelete(stale);
            }

            Interlocked.Exchange(ref _totalBytes, Entries().Sum(entry => entry.Length));
        }
    }

    private void Evict()
    {
        lock (_evictionLock)
        {
            var evicted = 0;
            foreach (var entry in Entries().OrderBy(entry => entry.LastWriteTimeUtc))
            {
                if (Interlocked.Read(ref _totalBytes) <= _maxBytes)
                {
                    break;
                }

                if (TryDelete(entry.FullName))
                {
                    Interlocked.Add(ref _totalBytes, -entry.Length);
                    evicted++;
                }
            }

            var remaining = Interlocked.Read(ref _totalBytes);
            Log.Evicted(_logger, evicted, remaining);
        }
    }

    private void Remove(string path)
    {
        var length = File.Exists(path) ? new FileInfo(path).Length : 0;
        if (TryDelete(path) && Interlocked.Read(ref _totalBytes) >= 0)
        {
            Interlocked.Add(ref _totalBytes, -length);
        }
    }

    private IEnumerable<FileInfo> Entries() => new DirectoryInfo(_directory).EnumerateFiles("*" + EntryExtension);

    private static byte[]? Verify(byte[] entry)
    {
        if (entry.Length < PrefixLength || !entry.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            return null;
        }

        var content = entry.AsSpan(PrefixLength);
        return SHA256.HashData(content).AsSpan().SequenceEqual(entry.AsSpan(Magic.Length, SHA256.HashSizeInBytes)) ? content.ToArray() : null;
    }

    private string PathOf(string sopInstanceUid, string sourceSha256)
    {
        ArgumentException.ThrowIfNullOrEmpty(sopInstanceUid);
        ArgumentException.ThrowIfNullOrEmpty(sourceSha256);
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{sopInstanceUid}\n{sourceSha256}")));
        return Path.Combine(_directory, name + EntryExtension);
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2600, Level = LogLevel.Warning, Message = "Reconstruction cache entry of {SopInstanceUid} ({Path}) did not verify; it is removed and rebuilt")]
        public static partial void Corrupted(ILogger logger, string sopInstanceUid, string path);

        [LoggerMessage(EventId = 2601, Level = LogLevel.Warning, Message = "Reconstruction cache entry {Path} could not be read: {Reason}")]
        public static partial void Unreadable(ILogger logger, string path, string reason);

        [LoggerMessage(EventId = 2602, Level = LogLevel.Warning, Message = "Reconstruction cache entry {Path} could not be written: {Reason}")]
        public static partial void WriteFailed(ILogger logger, string path, string reason);

        [LoggerMessage(EventId = 2603, Level = LogLevel.Debug, Message = "Reconstruction cache evicted {Count} entries; {TotalBytes} bytes remain")]
        public static partial void Evicted(ILogger logger, int count, long totalBytes);
    }
}
