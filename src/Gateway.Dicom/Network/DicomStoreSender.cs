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
            // The instance's own syntax where it is not one of the two every acceptor knows (compressed, deflated,
            // big endian), each alone, so the acceptor can take it or leave it; and those two, for transcoding.
            foreach (var syntax in group.Select(instance => instance.TransferSyntaxUid).Where(IsSpecial).Distinct())
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
        var context = ChooseContext(association, sopClass, file.TransferSyntax)
            ?? throw new DicomNetworkException($"The peer accepted no presentation context for {sopClass} that can carry {file.TransferSyntax.Name} without loss.");
        var target = DicomTransferSyntax.FromUid(context.AcceptedTransferSyntax!);
        var dataset = target.Uid == file.TransferSyntax.Uid ? file.Dataset : new DicomTranscoder().Transcode(file, target).Dataset;

        var command = DicomMessage.RequestCommand(DicomCommandField.CStoreRequest, sopClass, association.NextMessageId(), hasDataSet: true);
        command.SetString(DicomTags.AffectedSOPInstanceUID, DicomVR.UI, sopInstance);
        if (moveOriginator is var (aeTitle, messageId))
        {
            command.SetString(DicomTags.MoveOriginatorApplicationEntityTitle, DicomVR.AE, aeTitle);
            command.SetValues(DicomTags.MoveOriginatorMessageID, DicomVR.US, messageId);
        }

        var body = DimseDataSet.Encode(new DicomDataset(dataset.Where(element => element.Tag.Group != 0x0002)), target);
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

    /// <summary>
    /// The context to send an instance on: one in the instance's own syntax, else an uncompressed one (little endian first), else a
    /// lossless compression; a lossy one only for an instance that is lossy already, so that transcoding never
    /// throws away what the instance holds.
    /// </summary>
    private static PresentationContext? ChooseContext(DicomAssociation association, string sopClass, DicomTransferSyntax syntax)
    {
        var candidates = association.AcceptedContexts.Where(context => context.AbstractSyntax == sopClass).OrderBy(context => context.Id).ToList();
        return candidates.FirstOrDefault(context => context.AcceptedTransferSyntax == syntax.Uid)
            ?? candidates.FirstOrDefault(context => context.AcceptedTransferSyntax == DicomTransferSyntax.ExplicitVRLittleEndian.Uid)
            ?? candidates.FirstOrDefault(context => context.AcceptedTransferSyntax == DicomTransferSyntax.ImplicitVRLittleEndian.Uid)
            ?? candidates.FirstOrDefault(context => !AcceptedSyntax(context).IsEncapsulated)
            ?? candidates.FirstOrDefault(context => !AcceptedSyntax(context).IsLossy)
            ?? (syntax.IsLossy ? candidates.FirstOrDefault() : null);
    }

    private static DicomTransferSyntax AcceptedSyntax(PresentationContext context) => DicomTransferSyntax.FromUid(context.AcceptedTransferSyntax!);

    private static bool IsSpecial(string uid) =>
        uid != DicomTransferSyntax.ExplicitVRLittleEndian.Uid && uid != DicomTransferSyntax.ImplicitVRLittleEndian.Uid;
}
