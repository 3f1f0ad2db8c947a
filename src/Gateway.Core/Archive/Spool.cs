using System.Buffers;
using System.Security.Cryptography;
using Gateway.Core.Storage;
using Gateway.Dicom;

namespace Gateway.Core.Archive;

/// <summary>
/// A received instance as a Part 10 file, with its SHA-256 and length computed while it was received: held in a
/// pooled buffer while it is small (most instances: no spool file to create, read back and delete), spilled to a
/// file in the spool folder once it outgrows <see cref="MemoryLimit"/>. Released (buffer returned, file deleted)
/// when disposed.
/// </summary>
internal sealed class Spool : IAsyncDisposable
{
    /// <summary>Instances up to this size stay in memory.</summary>
    internal const int MemoryLimit = 4 << 20;

    private const int BufferSize = 1 << 16;
    private const int InitialMemory = 1 << 18;

    private byte[]? _memory;

    private Spool(byte[]? memory, string? path, string sha256, long length)
    {
        _memory = memory;
        Path = path;
        Sha256 = sha256;
        Length = length;
    }

    /// <summary>The spool file, or null while the instance is held in memory.</summary>
    public string? Path { get; }

    public string Sha256 { get; private set; }

    public long Length { get; private set; }

    /// <summary>A C-STORE data set: File Meta Information written for it, then its bytes as received.</summary>
    public static async Task<Spool> FromDataSetAsync(
        string folder, Stream dataSet, string sopClassUid, string sopInstanceUid, DicomTransferSyntax syntax, string? callingAE, CancellationToken cancellationToken)
    {
        var meta = new DicomDataset();
        meta.SetString(DicomTags.MediaStorageSOPClassUID, DicomVR.UI, sopClassUid);
        meta.SetString(DicomTags.MediaStorageSOPInstanceUID, DicomVR.UI, sopInstanceUid);
        meta.SetString(DicomTags.TransferSyntaxUID, DicomVR.UI, syntax.Uid);
        if (!string.IsNullOrEmpty(callingAE))
        {
            meta.SetString(DicomTags.SourceApplicationEntityTitle, DicomVR.AE, callingAE);
        }

        using var header = new MemoryStream();
        new DicomFile(new DicomDataset(), syntax, meta).SaveFileMetaInformation(header);
        return await WriteAsync(folder, header.ToArray(), dataSet, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A Part 10 file as received.</summary>
    public static Task<Spool> FromFileAsync(string folder, Stream file, CancellationToken cancellationToken) =>
        WriteAsync(folder, [], file, cancellationToken);

    /// <summary>Removes files a crash left in the spool folder.</summary>
    public static void Clear(string folder)
    {
        if (Directory.Exists(folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.spool"))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>The header (everything before pixel data), with a bulk data reference standing in for the pixels.</summary>
    public DicomFile ReadHeader()
    {
        var options = new DicomReadOptions { StopBeforePixelData = true };
        DicomFile file;
        if (Path is null)
        {
            using var content = OpenRead();
            file = DicomFile.Read(content, options);
        }
        else
        {
            file = DicomFile.Open(Path, options);
        }

        if (file.PixelDataOffset is not null)
        {
            file.Dataset.Add(new Dicom.Json.DicomBulkDataReference(DicomTags.PixelData, file.TransferSyntax.IsEncapsulated ? DicomVR.OB : DicomVR.OW, "bulkdata/7FE00010"));
        }

        return file;
    }

    /// <summary>The whole file, pixel data and what follows it included (to check that it parses to its end).</summary>
    public DicomFile ReadAll()
    {
        if (Path is not null)
        {
            return DicomFile.Open(Path);
        }

        using var content = OpenRead();
        return DicomFile.Read(content);
    }

    /// <summary>Keeps only the first <paramref name="length"/> bytes (dropping trailing padding), with their SHA-256.</summary>
    public async Task TruncateAsync(long length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Length);
        if (Path is not null)
        {
            await using var file = new FileStream(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, BufferSize, FileOptions.Asynchronous);
            file.SetLength(length);
        }

        Length = length;
        await using var content = OpenRead();
        Sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken).ConfigureAwait(false));
    }

    public Stream OpenRead() => Path is null
        ? new MemoryStream(_memory ?? throw new ObjectDisposedException(nameof(Spool)), 0, (int)Length, writable: false)
        : new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);

    public ValueTask DisposeAsync()
    {
        if (Path is not null)
        {
            File.Delete(Path);
        }

        if (Interlocked.Exchange(ref _memory, null) is { } memory)
        {
            ArrayPool<byte>.Shared.Return(memory);
        }

        return ValueTask.CompletedTask;
    }

    private static async Task<Spool> WriteAsync(string folder, byte[] prefix, Stream content, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(prefix);
        var memory = ArrayPool<byte>.Shared.Rent(Math.Max(InitialMemory, prefix.Length));
        prefix.CopyTo(memory, 0);
        var length = prefix.Length;
        try
        {
            int read;
            while ((read = await content.ReadAsync(memory.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                sha.AppendData(memory, length, read);
                length += read;
                if (length == memory.Length)
                {
                    if (length >= MemoryLimit)
                    {
                        return await SpillAsync(folder, memory.AsMemory(0, length), content, sha, cancellationToken).ConfigureAwait(false);
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(length * 2);
                    memory.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(memory);
                    memory = larger;
                }
            }

            var spool = new Spool(memory, null, Convert.ToHexStringLower(sha.GetHashAndReset()), length);
            memory = null;
            return spool;
        }
        finally
        {
            if (memory is not null)
            {
                ArrayPool<byte>.Shared.Return(memory);
            }
        }
    }

    /// <summary>Writes what was received so far to a spool file, then the rest of <paramref name="content"/> after it.</summary>
    private static async Task<Spool> SpillAsync(string folder, ReadOnlyMemory<byte> received, Stream content, IncrementalHash sha, CancellationToken cancellationToken)
    {
        PrivateFiles.CreateFolder(folder);
        var path = System.IO.Path.Combine(folder, Guid.NewGuid().ToString("N") + ".spool");
        try
        {
            long length = received.Length;
            await using (var file = PrivateFiles.CreateNew(path, BufferSize, FileOptions.Asynchronous))
            {
                await file.WriteAsync(received, cancellationToken).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                try
                {
                    int read;
                    while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        sha.AppendData(buffer, 0, read);
                        await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                        length += read;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }

            return new Spool(null, path, Convert.ToHexStringLower(sha.GetHashAndReset()), length);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }
}
