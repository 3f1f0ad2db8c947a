using Gateway.Core.Archive;
using Gateway.Core.Retrieve;
using Gateway.Dicom;
using Gateway.Dicom.Network;

namespace Gateway.Server.Dimse;

/// <summary>
/// An archived instance as a C-MOVE or C-GET sends it: the file it is served as, through the <see cref="RetrieveService"/>.
/// The one place DIMSE answers a damaged stored object: as a <see cref="DicomException"/>, which fails this C-STORE
/// sub-operation (logged with the message, the instance in the Failed SOP Instance UID List). When every sub-operation
/// fails the final status is 0xA702, "Refused: Out of Resources - Unable to perform sub-operations" (PS3.4 Tables
/// C.4-2 and C.4-3; 0xA701 is "Unable to calculate number of matches", which this is not); when some succeed it is
/// 0xB000, "Sub-operations Complete - One or more Failures".
/// </summary>
internal sealed class ArchiveRetrievableInstance(ArchivedInstance instance, RetrieveService retrieve) : IRetrievableInstance
{
    public string SopClassUid => instance.SopClassUid;

    public string SopInstanceUid => instance.SopInstanceUid;

    public DicomTransferSyntax TransferSyntax => DicomTransferSyntax.FromUid(retrieve.ServedSyntax(instance));

    public async Task<DicomFile> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await retrieve.ReadAsync(instance, cancellationToken).ConfigureAwait(false);
        }
        catch (DamagedObjectException exception)
        {
            throw new DicomException(exception.Message, exception);
        }
    }
}
