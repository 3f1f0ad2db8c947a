namespace Gateway.Dicom.Network;

/// <summary>
/// A request received on an association: its command, the presentation context it came on, and its data set,
/// either parsed (identifiers) or as a stream that fills as fragments arrive (C-STORE).
/// </summary>
public sealed class IncomingRequest
{
    internal IncomingRequest(DicomMessage message, PresentationContext context, Stream? dataSetStream)
    {
        Message = message;
        Context = context;
        DataSetStream = dataSetStream;
    }

    public DicomMessage Message { get; }

    public PresentationContext Context { get; }

    /// <summary>The transfer syntax of the data set (the context's).</summary>
    public DicomTransferSyntax TransferSyntax => DicomTransferSyntax.FromUid(Context.AcceptedTransferSyntax!);

    /// <summary>The C-STORE data set as it arrives; null for other requests (their data set is <see cref="DicomMessage.Dataset"/>).</summary>
    public Stream? DataSetStream { get; }
}
