using System.Text;

namespace Gateway.Dicom.Network;

/// <summary>
/// A minimal archive on a folder, for tools and tests: each received instance becomes a Part 10 file named by its
/// SOP Instance UID. The data set is copied as it arrives (no re-encoding) into a temporary file that is flushed
/// to disk and renamed into place only when complete, so an interrupted transfer leaves nothing behind.
/// The headers of the instances (read at start-up and on each store) are kept in memory for queries.
/// </summary>
public sealed class DicomFolderArchive
{
    private const string IncomingFolder = ".incoming";

    private readonly Dictionary<string, FolderArchiveInstance> _index = new(StringComparer.Ordinal);
    private readonly Lock _indexLock = new();

    public DicomFolderArchive(string folder, bool flushToDisk = true)
    {
        ArgumentNullException.ThrowIfNull(folder);
        Folder = Path.GetFullPath(folder);
        FlushToDisk = flushToDisk;
        Directory.CreateDirectory(Path.Combine(Folder, IncomingFolder));
        foreach (var leftover in Directory.EnumerateFiles(Path.Combine(Folder, IncomingFolder)))
        {
            File.Delete(leftover);
        }

        foreach (var path in Directory.EnumerateFiles(Folder, "*.dcm"))
        {
            IndexExisting(path);
        }
    }

    public string Folder { get; }

    /// <summary>Whether each file is flushed to stable storage (fsync) before the sender is told Success.</summary>
    public bool FlushToDisk { get; }

    /// <summary>The instances in the folder, a snapshot safe to enumerate while others are stored.</summary>
    public IReadOnlyList<FolderArchiveInstance> Instances
    {
        get
        {
            lock (_indexLock)
            {
                return [.. _index.Values];
            }
        }
    }

    /// <summary>Raised after an instance has been stored, with the request and the file's path.</summary>
    public event Action<StoreRequest, string>? Stored;

    /// <summary>The path an instance is stored under.</summary>
    public string PathOf(string sopInstanceUid)
    {
        ArgumentNullException.ThrowIfNull(sopInstanceUid);
        var safe = new StringBuilder(sopInstanceUid.Length);
        foreach (var character in sopInstanceUid)
        {
            safe.Append(char.IsAsciiDigit(character) || character == '.' ? character : '_');
        }

        return Path.Combine(Folder, safe + ".dcm");
    }

    /// <summary>
    /// Writes one instance: File Meta Information for it, then its data set bytes as received. A data set whose
    /// header does not parse is refused (Cannot Understand) and not kept.
    /// </summary>
    public async Task<StoreResult> StoreAsync(StoreRequest request, Stream dataSet, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(dataSet);
        var temporary = Path.Combine(Folder, IncomingFolder, Guid.NewGuid().ToString("N") + ".part");
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                await file.WriteAsync(FileHeader(request), cancellationToken).ConfigureAwait(false);
                await dataSet.CopyToAsync(file, 64 * 1024, cancellationToken).ConfigureAwait(false);
                if (FlushToDisk)
                {
                    file.Flush(flushToDisk: true);
                }
            }

            var path = PathOf(request.SopInstanceUid);
            FolderArchiveInstance? instance;
            try
            {
                instance = FolderArchiveInstance.Read(temporary, path);
            }
            catch (DicomException exception)
            {
                return new StoreResult(DicomStatus.CannotUnderstand, exception.Message);
            }

            File.Move(temporary, path, overwrite: true);
            SetIndexEntry(path, instance);
            Stored?.Invoke(request, path);
            return StoreResult.Success;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private void IndexExisting(string path)
    {
        try
        {
            SetIndexEntry(path, FolderArchiveInstance.Read(path, path));
        }
        catch (Exception exception) when (exception is DicomException or IOException or UnauthorizedAccessException)
        {
            // A file that cannot be read is left alone: it is not an instance of this archive.
        }
    }

    private void SetIndexEntry(string path, FolderArchiveInstance? instance)
    {
        lock (_indexLock)
        {
            if (instance is null)
            {
                _index.Remove(path);
            }
            else
            {
                _index[path] = instance;
            }
        }
    }

    private static byte[] FileHeader(StoreRequest request)
    {
        var meta = new DicomDataset();
        meta.SetString(DicomTags.MediaStorageSOPClassUID, DicomVR.UI, request.SopClassUid);
        meta.SetString(DicomTags.MediaStorageSOPInstanceUID, DicomVR.UI, request.SopInstanceUid);
        meta.SetString(DicomTags.TransferSyntaxUID, DicomVR.UI, request.TransferSyntax.Uid);
        if (request.Association.CallingAE.Length > 0)
        {
            meta.SetString(DicomTags.SourceApplicationEntityTitle, DicomVR.AE, request.Association.CallingAE);
        }

        var header = new DicomFile(new DicomDataset(), request.TransferSyntax, meta);
        using var output = new MemoryStream();
        header.SaveFileMetaInformation(output);
        return output.ToArray();
    }
}
