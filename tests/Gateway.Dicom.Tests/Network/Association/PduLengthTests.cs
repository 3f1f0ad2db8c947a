using Gateway.Dicom.Network;

namespace Gateway.Dicom.Tests.Network;

/// <summary>
/// Maximum PDU lengths (PS3.8 D.1) at both ends of the range: DCMTK's largest, a server offering far more, and
/// peers announcing 0 (no limit), in both directions.
/// </summary>
public sealed class PduLengthTests
{
    [Fact]
    public async Task Storescu_with_its_largest_PDU_stores_into_a_server_offering_4MB()
    {
        var files = InteropFiles.Mr().Take(40).ToList();
        await using var server = ArchiveServer.Start("BIG-PDU", options => options with { Association = options.Association with { MaxPduLength = 4 * 1024 * 1024 } });

        var log = await Storescu.RunAsync(Storescu.Arguments(Proposal.Explicit, null, server.AETitle, server.Port, files, "-pdu", "131072"));

        // DCMTK sends PDUs no larger than the largest it would receive itself (128 KB): 131072 less 12 bytes of headers.
        Assert.True(log.Contains("Max Send PDV: 131060", StringComparison.Ordinal), log);
        Storescu.AssertAllSucceeded(log, files.Count);
        AssertStoredUnchanged(server, files);
    }

    [Fact]
    public async Task A_server_announcing_no_PDU_limit_receives_what_storescu_and_our_client_send()
    {
        var files = InteropFiles.Mr().Take(40).ToList();
        await using var server = ArchiveServer.Start("NO-LIMIT", options => options with { Association = options.Association with { MaxPduLength = 0 } });

        var log = await Storescu.RunAsync(Storescu.Arguments(Proposal.Explicit, null, server.AETitle, server.Port, files[..20]));
        Storescu.AssertAllSucceeded(log, 20);
        var client = new DicomClient("127.0.0.1", server.Port, server.AETitle);
        Assert.All(await client.StoreAsync([.. files[20..].Select(file => file.Path)], TestContext.Current.CancellationToken), outcome => Assert.True(outcome.Succeeded, outcome.Error));

        AssertStoredUnchanged(server, files);
    }

    [Fact]
    public async Task A_raw_peer_announcing_no_PDU_limit_gets_its_responses()
    {
        var file = Part10Bytes.Read(InteropFiles.Mr()[0].Path);
        await using var server = ArchiveServer.Start("RAW-0");
        using var raw = await RawDicomPeer.AssociateAsync(server.Port, "RAW-0", 0, (1, RawDicomPeer.Verification, RawDicomPeer.ImplicitVRLittleEndian), (3, file.SopClassUid, RawDicomPeer.ExplicitVRLittleEndian));

        Assert.Equal(0, await raw.RequestAsync(1, RawDicomPeer.EchoCommand(1), null));
        Assert.Equal(0, await raw.RequestAsync(3, RawDicomPeer.StoreCommand(2, file.SopClassUid, file.SopInstanceUid), file.DataSet, fragment: 100_000));

        Assert.Null(Part10Bytes.FirstDifference(file.DataSet, Part10Bytes.Read(server.Archive.PathOf(file.SopInstanceUid)).DataSet));
    }

    [Theory]
    [InlineData("4096")]
    [InlineData("131072")]
    public async Task Our_client_fragments_to_the_maximum_PDU_length_storescp_announces(string maxPdu)
    {
        var files = InteropFiles.Mr().Take(10).ToList();
        using var storescp = await StorescpPeer.StartAsync("STORESCP", "-pdu", maxPdu);
        var client = new DicomClient("127.0.0.1", storescp.Port, storescp.AETitle, new DicomClientOptions { Association = new DicomAssociationOptions { MaxPduLength = 0 } });

        var outcomes = await client.StoreAsync([.. files.Select(file => file.Path)], TestContext.Current.CancellationToken);

        Assert.All(outcomes, outcome => Assert.True(outcome.Succeeded, outcome.Error));
        var received = storescp.ReceivedFiles();
        Assert.All(files, file => Assert.Null(Part10Bytes.FirstDifference(Part10Bytes.Read(file.Path).DataSet, Part10Bytes.Read(received[file.SopInstanceUid]).DataSet)));
    }

    private static void AssertStoredUnchanged(ArchiveServer server, List<InteropFile> files)
    {
        Assert.Equal(files.Count, server.StoredFiles().Count);
        Assert.All(files, file => Assert.Null(Part10Bytes.FirstDifference(Part10Bytes.Read(file.Path).DataSet, Part10Bytes.Read(server.Archive.PathOf(file.SopInstanceUid)).DataSet)));
    }
}
