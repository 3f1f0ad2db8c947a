using Gateway.Dicom.Imaging;
using Gateway.Dicom.IO;

namespace Gateway.Dicom.Network;

/// <summary>
/// Sends instances with C-STORE on an association this side requested (SCU) or, for C-GET, on one it accepted:
/// on a context of the instance's SOP class in its own transfer syntax if accepted, else transcoded to one that is.
/// </summary>
public static class DicomStoreSender
{
    /// <summary>The presentation contexts to propose for sending files of these SOP classes and transfer syntaxes.</summary>
    public static void ProposeContexts(AssociationRequest request, IEnumerable<(string SopClassUid, string TransferSyntaxUid)> instances)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(instances);
        foreach (var group in instances.Distinct().GroupBy(instance => instance.SopClassUid))
        {
            // The instance's own syntax where it is compressed, each alone, so the acceptor can take it or leave it;
            // and the uncompressed syntaxes every acceptor knows, for transcoding.
            foreach (var syntax in group.Select(instance => instance.TransferSyntaxUid).Where(IsCompressed).Distinct())
            {
                request.AddPresentationContext(group.Key, syntax);
            }

            request.AddPresentationContext(group.Key, DicomTransferSyntax.ExplicitVRLittleEndian.Uid, DicomTransferSyntax.ImplicitVRLittleEndian.Uid);
        }
    }

    /// <summary>Sends one instance and returns the status the peer answered.</summary>
    public static async Task<DicomStatus> SendAsync(
        DicomAssociation association,
        DicomFile file,
        (string AETitle, ushort MessageId)? moveOriginator,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(association);
        ArgumentNullException.ThrowIfNull(file);
        var sopClass = file.Dataset.GetString(DicomTags.SOPClassUID) ?? throw new DicomException("The instance has no SOP Class UID.");
        var sopInstance = file.Dataset.GetString(DicomTags.SOPInstanceUID) ?? throw new DicomException("The instance has no SOP Instance UID.");
        var context = association.FindContext(sopClass, file.TransferSyntax.Uid)
            ?? throw new DicomNetworkException($"The peer accepted no presentation context for {sopClass}.");
        var target = DicomTransferSyntax.FromUid(context.AcceptedTransferSyntax!);
        var dataset = target.Uid == file.TransferSyntax.Uid ? file.Dataset : new DicomTranscoder().Transcode(file, target).Dataset;

        var command = DicomMessage.RequestCommand(DicomCommandField.CStoreRequest, sopClass, association.NextMessageId(), hasDataSet: true);
        command.SetString(DicomTags.AffectedSOPInstanceUID, DicomVR.UI, sopInstance);
        if (moveOriginator is var (aeTitle, messageId))
        {
            command.SetString(DicomTags.MoveOriginatorApplicationEntityTitle, DicomVR.AE, aeTitle);
            command.SetValues(DicomTags.MoveOriginatorMessageID, DicomVR.US, messageId);
        }

        var body = DicomDatasetSerializer.Serialize(new DicomDataset(dataset.Where(element => element.Tag.Group != 0x0002)), target);
        var request = new DicomMessage(command, context.Id);
        await foreach (var response in association.RequestAsync(request, (stream, token) => stream.WriteAsync(body, token).AsTask(), cancellationToken).ConfigureAwait(false))
        {
            if (!response.Status.IsPending)
            {
                return response.Status;
            }
        }

        throw new DicomNetworkException($"No final response to the C-STORE of {sopInstance}.");
    }

    private static bool IsCompressed(string uid) => DicomTransferSyntax.FromUid(uid).IsEncapsulated;
}
