using System.Security.Cryptography;
using Gateway.Dicom;

namespace Gateway.Core.Archive;

/// <summary>
/// A received instance on local disk as a Part 10 file, with its SHA-256 and length computed while it was
/// written. Deleted when disposed.
/// </summary>
internal sealed class Spool : IAsyncDisposable
{
    private const int BufferSize = 1 << 16;

    private Spool(string path, string sha256, long length)
    {
        Path = path;
        Sha256 = sha256;
        Length = length;
    }

    public string Path { get; }

    public string Sha256 { get; }

    public long Length { get; }

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
        var file = DicomFile.Open(Path, new DicomReadOptions { StopBeforePixelData = true });
        if (file.PixelDataOffset is not null)
        {
            file.Dataset.Add(new Dicom.Json.DicomBulkDataReference(DicomTags.PixelData, file.TransferSyntax.IsEncapsulated ? DicomVR.OB : DicomVR.OW, "bulkdata/7FE00010"));
        }

        return file;
    }

    public Stream OpenRead() => new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);

    public ValueTask DisposeAsync()
    {
        File.Delete(Path);
        return ValueTask.CompletedTask;
    }

    private static async Task<Spool> WriteAsync(string folder, byte[] prefix, Stream content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var path = System.IO.Path.Combine(folder, Guid.NewGuid().ToString("N") + ".spool");
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = prefix.Length;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous))
            {
                sha.AppendData(prefix);
                await file.WriteAsync(prefix, cancellationToken).ConfigureAwait(false);
                var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
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
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                }
            }

            return new Spool(path, Convert.ToHexStringLower(sha.GetHashAndReset()), length);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }
}
