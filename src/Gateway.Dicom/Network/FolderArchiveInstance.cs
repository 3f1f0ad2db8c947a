namespace Gateway.Dicom.Network;

/// <summary>
/// One instance of a <see cref="DicomFolderArchive"/>: its file and the header read from it (everything before
/// the pixel data, without bulk binary values), which queries match against.
/// </summary>
public sealed class FolderArchiveInstance : IRetrievableInstance
{
    internal FolderArchiveInstance(string path, string sopClassUid, string sopInstanceUid, DicomTransferSyntax transferSyntax, DicomDataset header)
    {
        Path = path;
        SopClassUid = sopClassUid;
        SopInstanceUid = sopInstanceUid;
        TransferSyntax = transferSyntax;
        Header = header;
    }

    public string Path { get; }

    public string SopClassUid { get; }

    public string SopInstanceUid { get; }

    public DicomTransferSyntax TransferSyntax { get; }

    /// <summary>The data set up to the pixel data, without OB/OW/OF/OD/OL/OV/UN values; shared, so not to be modified.</summary>
    public DicomDataset Header { get; }

    public Task<DicomFile> OpenAsync(CancellationToken cancellationToken) => Task.Run(() => DicomFile.Open(Path), cancellationToken);

    /// <summary>Reads the header of a Part 10 file; null when it names no SOP class or instance.</summary>
    internal static FolderArchiveInstance? Read(string path, string finalPath)
    {
        var file = DicomFile.Open(path, new DicomReadOptions { StopBeforePixelData = true });
        var dataset = file.Dataset;
        var sopClass = dataset.GetString(DicomTags.SOPClassUID) ?? file.FileMetaInformation.GetString(DicomTags.MediaStorageSOPClassUID);
        var sopInstance = dataset.GetString(DicomTags.SOPInstanceUID) ?? file.FileMetaInformation.GetString(DicomTags.MediaStorageSOPInstanceUID);
        if (string.IsNullOrEmpty(sopClass) || string.IsNullOrEmpty(sopInstance))
        {
            return null;
        }

        // Bulk binary values (private blobs, overlays, icons) are never query keys and can be large.
        dataset.RemoveAll(element => element.VR.Kind == VRKind.Bulk);
        return new FolderArchiveInstance(finalPath, sopClass, sopInstance, file.TransferSyntax, dataset);
    }
}
