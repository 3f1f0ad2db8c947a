using System.Security.Cryptography;
using Gateway.Core.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Gateway.Infrastructure.Storage;

/// <summary>What one run of <see cref="ObjectStoreMigration"/> did.</summary>
public sealed record ObjectMigrationReport(int Copied, int Skipped, IReadOnlyList<string> Failed)
{
    public long CopiedBytes { get; init; }
}

/// <summary>
/// Copies every object the index references from one store to another under the same key (`gateway objects migrate`):
/// the source's bytes are checked against the SHA-256 and size the index records, written, read back from the
/// target and checked again; only then is the key appended to the progress file, so a second run (after a crash, or
/// a last pass with the gateway stopped) skips what was copied and verified. An object that fails is reported and
/// left for the next run; the rest go on.
/// </summary>
public sealed partial class ObjectStoreMigration(NpgsqlDataSource dataSource, IObjectStore source, IObjectStore target, string progressFile, ILogger logger)
{
    public async Task<ObjectMigrationReport> RunAsync(CancellationToken cancellationToken)
    {
        var done = ReadProgress();
        var (copied, skipped, bytes) = (0, 0, 0L);
        var failed = new List<string>();
        await using var progress = new StreamWriter(new FileStream(progressFile, FileMode.Append, FileAccess.Write, FileShare.Read));
        await foreach (var (key, size, sha256) in IndexedObjectsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (done.Contains(key))
            {
                skipped++;
                continue;
            }

            try
            {
                await CopyAsync(key, size, sha256, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or ObjectNotFoundException or Amazon.Runtime.AmazonServiceException)
            {
                Log.Failed(logger, key, exception.Message);
                failed.Add($"{key}: {exception.Message}");
                continue;
            }

            await progress.WriteLineAsync(key.AsMemory(), cancellationToken).ConfigureAwait(false);
            await progress.FlushAsync(cancellationToken).ConfigureAwait(false);
            copied++;
            bytes += size;
            if (copied % 1000 == 0)
            {
                Log.Progress(logger, copied, skipped);
            }
        }

        Log.Finished(logger, copied, bytes, skipped, failed.Count);
        return new ObjectMigrationReport(copied, skipped, failed) { CopiedBytes = bytes };
    }

    private async Task CopyAsync(string key, long size, string sha256, CancellationToken cancellationToken)
    {
        // The source is checked while it is written: a damaged original is not copied as if it were good.
        StoredObject written;
        var content = await source.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        await using (content.ConfigureAwait(false))
        {
            written = await target.PutAsync(key, content, cancellationToken).ConfigureAwait(false);
        }

        if (written.Size != size || written.Sha256 != sha256)
        {
            await target.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            throw new IOException($"the source holds {written.Size} bytes with SHA-256 {written.Sha256}, the index records {size} bytes with {sha256}; not copied");
        }

        var (readSize, readSha256) = await HashAsync(target, key, cancellationToken).ConfigureAwait(false);
        if (readSize != size || readSha256 != sha256)
        {
            throw new IOException($"read back from the target as {readSize} bytes with SHA-256 {readSha256}, not {size} bytes with {sha256}");
        }
    }

    private static async Task<(long Size, string Sha256)> HashAsync(IObjectStore store, string key, CancellationToken cancellationToken)
    {
        var stream = await store.OpenReadAsync(key, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 16];
            long size = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                size += read;
            }

            return (size, Convert.ToHexStringLower(sha.GetHashAndReset()));
        }
    }

    private async IAsyncEnumerable<(string Key, long Size, string Sha256)> IndexedObjectsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select object_key, size_bytes, sha256 from objects order by object_key");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return (reader.GetString(0), reader.GetInt64(1), reader.GetString(2));
        }
    }

    /// <summary>The keys a run before copied and verified; a line a crash cut short names no key the index has, so it is ignored.</summary>
    private HashSet<string> ReadProgress() =>
        File.Exists(progressFile)
            ? File.ReadLines(progressFile).Where(line => line.Length > 0).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);

    private static partial class Log
    {
        [LoggerMessage(EventId = 7911, Level = LogLevel.Error, Message = "Object {Key} was not migrated: {Reason}")]
        public static partial void Failed(ILogger logger, string key, string reason);

        [LoggerMessage(EventId = 7912, Level = LogLevel.Information, Message = "Object migration: {Copied} objects copied and verified, {Skipped} done before")]
        public static partial void Progress(ILogger logger, int copied, int skipped);

        [LoggerMessage(EventId = 7913, Level = LogLevel.Information, Message = "Object migration finished: {Copied} objects ({Bytes} bytes) copied and verified, {Skipped} done before, {Failed} failed")]
        public static partial void Finished(ILogger logger, int copied, long bytes, int skipped, int failed);
    }
}
