using Gateway.Dicom;
using Gateway.Dicom.Network;

namespace Gateway.Server.Tests.Archive;

/// <summary>
/// A C-STORE of a data set's bytes exactly as given. storescu (DCMTK) and our own client parse a file before they
/// send it, so neither can send a truncated data set (DCMTK refuses to load one) or one with trailing padding
/// (DCMTK drops it): a real sender can, and the gateway must answer it.
/// </summary>
internal static class RawCStore
{
    public static async Task<(DicomStatus Status, string? ErrorComment)> SendAsync(int port, string sopClassUid, string sopInstanceUid, DicomTransferSyntax syntax, byte[] dataSet)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var request = new AssociationRequest();
        request.AddPresentationContext(sopClassUid, syntax.Uid);
        await using var association = await new DicomClient("127.0.0.1", port, GatewayInstance.AETitle, new DicomClientOptions { CallingAE = "RAWSCU" }).OpenAsync(request, cancellationToken);
        var context = association.FindContext(sopClassUid, syntax.Uid);
        Assert.True(context?.AcceptedTransferSyntax == syntax.Uid, $"The gateway accepted no context for {sopClassUid} in {syntax.Name}.");
        var command = DicomMessage.RequestCommand(DicomCommandField.CStoreRequest, sopClassUid, association.NextMessageId(), hasDataSet: true);
        command.SetString(DicomTags.AffectedSOPInstanceUID, DicomVR.UI, sopInstanceUid);
        DicomMessage? last = null;
        await foreach (var response in association.RequestAsync(new DicomMessage(command, context!.Id), (stream, token) => stream.WriteAsync(dataSet, token).AsTask(), cancellationToken))
        {
            last = response;
        }

        await association.ReleaseAsync(cancellationToken);
        Assert.NotNull(last);
        return (last.Status, last.Command.GetString(DicomTags.ErrorComment));
    }
}
