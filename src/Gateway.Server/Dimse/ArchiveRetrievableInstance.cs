using Gateway.Core.Archive;
using Gateway.Dicom;
using Gateway.Dicom.Network;
using Gateway.Server.Reconstruction;

namespace Gateway.Server.Dimse;

/// <summary>An archived instance as a C-MOVE or C-GET sends it: the file it is served as, through <see cref="InstanceSource"/>.</summary>
internal sealed class ArchiveRetrievableInstance(ArchivedInstance instance, InstanceSource source) : IRetrievableInstance
{
    public string SopClassUid => instance.SopClassUid;

    public string SopInstanceUid => instance.SopInstanceUid;

    public DicomTransferSyntax TransferSyntax => DicomTransferSyntax.FromUid(InstanceSource.ServedSyntax(instance));

    public Task<DicomFile> OpenAsync(CancellationToken cancellationToken) => source.ReadAsync(instance, cancellationToken);
}
