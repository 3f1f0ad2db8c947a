namespace Gateway.Dicom.Network;

/// <summary>
/// A DIMSE message (PS3.7 6.3): the command set (group 0000, always implicit VR little endian) and, for some
/// messages, a data set encoded in the presentation context's transfer syntax.
/// </summary>
public sealed class DicomMessage
{
    /// <summary>Command Data Set Type (0000,0800) meaning "no data set" (PS3.7 E.1).</summary>
    public const ushort NoDataSet = 0x0101;

    public DicomMessage(DicomDataset command, byte presentationContextId)
    {
        ArgumentNullException.ThrowIfNull(command);
        Command = command;
        PresentationContextId = presentationContextId;
    }

    public DicomDataset Command { get; }

    public byte PresentationContextId { get; }

    /// <summary>The data set of a message whose data set is read into memory (identifiers, responses).</summary>
    public DicomDataset? Dataset { get; set; }

    public DicomCommandField CommandField => (DicomCommandField)Command.GetValueOrDefault<ushort>(DicomTags.CommandField, 0);

    public ushort MessageId => Command.GetValueOrDefault<ushort>(DicomTags.MessageID, 0);

    public ushort MessageIdBeingRespondedTo => Command.GetValueOrDefault<ushort>(DicomTags.MessageIDBeingRespondedTo, 0);

    public string? AffectedSopClassUid => Command.GetString(DicomTags.AffectedSOPClassUID);

    public string? AffectedSopInstanceUid => Command.GetString(DicomTags.AffectedSOPInstanceUID);

    public DicomStatus Status => new(Command.GetValueOrDefault<ushort>(DicomTags.Status, 0));

    public bool HasDataSet => Command.GetValueOrDefault<ushort>(DicomTags.CommandDataSetType, NoDataSet) != NoDataSet;

    public bool IsRequest => ((ushort)CommandField & 0x8000) == 0;

    /// <summary>A request command set: field, SOP class, message ID and whether a data set follows.</summary>
    public static DicomDataset RequestCommand(DicomCommandField field, string sopClassUid, ushort messageId, bool hasDataSet)
    {
        var command = new DicomDataset();
        if (field != DicomCommandField.CCancelRequest)
        {
            command.SetString(DicomTags.AffectedSOPClassUID, DicomVR.UI, sopClassUid);
        }

        command.SetValues(DicomTags.CommandField, DicomVR.US, (ushort)field);
        command.SetValues(field == DicomCommandField.CCancelRequest ? DicomTags.MessageIDBeingRespondedTo : DicomTags.MessageID, DicomVR.US, messageId);
        if (field is DicomCommandField.CStoreRequest or DicomCommandField.CFindRequest or DicomCommandField.CMoveRequest or DicomCommandField.CGetRequest)
        {
            command.SetValues(DicomTags.Priority, DicomVR.US, (ushort)0);
        }

        command.SetValues(DicomTags.CommandDataSetType, DicomVR.US, hasDataSet ? (ushort)0x0000 : NoDataSet);
        return command;
    }

    /// <summary>The response command set to <paramref name="request"/> with <paramref name="status"/>.</summary>
    public static DicomDataset ResponseCommand(DicomMessage request, DicomStatus status, bool hasDataSet)
    {
        ArgumentNullException.ThrowIfNull(request);
        var command = new DicomDataset();
        if (request.AffectedSopClassUid is { Length: > 0 } sopClass)
        {
            command.SetString(DicomTags.AffectedSOPClassUID, DicomVR.UI, sopClass);
        }

        command.SetValues(DicomTags.CommandField, DicomVR.US, (ushort)((ushort)request.CommandField | 0x8000));
        command.SetValues(DicomTags.MessageIDBeingRespondedTo, DicomVR.US, request.MessageId);
        command.SetValues(DicomTags.CommandDataSetType, DicomVR.US, hasDataSet ? (ushort)0x0000 : NoDataSet);
        command.SetValues(DicomTags.Status, DicomVR.US, status.Code);
        if (request.AffectedSopInstanceUid is { Length: > 0 } instance && request.CommandField == DicomCommandField.CStoreRequest)
        {
            command.SetString(DicomTags.AffectedSOPInstanceUID, DicomVR.UI, instance);
        }

        return command;
    }

    public override string ToString() =>
        $"{CommandField} id={(IsRequest ? MessageId : MessageIdBeingRespondedTo)} pc={PresentationContextId}{(IsRequest ? string.Empty : " " + Status)}";
}
