using Gateway.Dicom.IO;
using Gateway.Dicom.Network;

namespace Gateway.Dicom.Tests.Network.QueryRetrieve;

/// <summary>
/// A message whose operation is cancelled while it is being sent is still sent whole: a C-CANCEL that arrives
/// between the command and the data set of a pending C-FIND response once made the server send the cancel
/// response's command where the peer expected the rest of the data set (DCMTK: "DIMSE Unexpected PDV type").
/// The same SendAsync serves requests, so this drives it from the requesting side, deterministically.
/// </summary>
public class CancelDuringSendTests
{
    [Fact]
    public async Task A_request_cancelled_while_its_data_set_is_written_is_sent_whole_and_answered()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("gateway-qr-cancel-").FullName;
        try
        {
            var archive = new DicomFolderArchive(folder, flushToDisk: false);
            await using var server = new DicomServer(new DicomServerOptions { AETitle = "QRSCP", Port = 0 }, _ => new FolderArchiveProvider(archive));
            server.Start();
            var request = new AssociationRequest();
            request.AddPresentationContext(DicomUids.StudyRootQueryRetrieveInformationModelFind, DicomTransferSyntax.ExplicitVRLittleEndian.Uid);
            request.AddPresentationContext(DicomUids.Verification, DicomTransferSyntax.ImplicitVRLittleEndian.Uid);
            await using var association = await new DicomClient("127.0.0.1", server.Port, "QRSCP").OpenAsync(request, cancellationToken);

            var identifier = new DicomDataset();
            identifier.SetString(DicomTags.QueryRetrieveLevel, DicomVR.CS, "STUDY");
            identifier.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, string.Empty);
            var body = DicomDatasetSerializer.Serialize(identifier, DicomTransferSyntax.ExplicitVRLittleEndian);
            var context = association.FindContext(DicomUids.StudyRootQueryRetrieveInformationModelFind)!;
            var find = new DicomMessage(DicomMessage.RequestCommand(DicomCommandField.CFindRequest, context.AbstractSyntax, association.NextMessageId(), hasDataSet: true), context.Id);
            using var cancel = new CancellationTokenSource();

            // The command is out when the data set is written; cancelling now must not cut the message short.
            var responses = new List<DicomMessage>();
            await foreach (var response in association.RequestAsync(find, async (stream, token) => { await cancel.CancelAsync(); await stream.WriteAsync(body, token); }, cancel.Token))
            {
                responses.Add(response);
            }

            Assert.Contains(responses[^1].Status.Category, new[] { DicomStatusCategory.Success, DicomStatusCategory.Cancel });
            var echoContext = association.FindContext(DicomUids.Verification)!;
            var echo = new DicomMessage(DicomMessage.RequestCommand(DicomCommandField.CEchoRequest, DicomUids.Verification, association.NextMessageId(), hasDataSet: false), echoContext.Id);
            var echoResponses = await association.RequestAsync(echo, null, cancellationToken).ToListAsync(cancellationToken);
            Assert.Equal(DicomStatus.Success, echoResponses[^1].Status);
            await association.ReleaseAsync(cancellationToken);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
