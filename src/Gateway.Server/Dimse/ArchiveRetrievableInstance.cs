using Gateway.Core.Archive;
using Gateway.Core.Storage;
using Gateway.Dicom;
using Gateway.Dicom.Network;

namespace Gateway.Server.Dimse;

/// <summary>An archived instance as a C-MOVE or C-GET sends it: the Part 10 object that serves it, read from the object store.</summary>
internal sealed class ArchiveRetrievableInstance(ArchivedInstance instance, IObjectStore objects) : IRetrievableInstance
{
    public string SopClassUid => instance.SopClassUid;

    public string SopInstanceUid => instance.SopInstanceUid;

    public DicomTransferSyntax TransferSyntax => DicomTransferSyntax.FromUid(instance.TransferSyntaxUid);

    public async Task<DicomFile> OpenAsync(CancellationToken cancellationToken)
    {
        var serving = instance.Serving is { Kind: StorageKind.Original or StorageKind.Lossless } served
            ? served
            : throw new InvalidOperationException($"Instance {instance.SopInstanceUid} has no original or lossless object to send.");
        var stream = await objects.OpenReadAsync(serving.Key, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return DicomFile.Read(stream);
        }
    }
}
