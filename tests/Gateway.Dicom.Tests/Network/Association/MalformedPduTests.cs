namespace Gateway.Dicom.Tests.Network;

/// <summary>
/// Peers that break the upper layer protocol get an A-ABORT from the service provider with the reason PS3.8 table
/// 9-26 gives, and lose their connection; the associations of well-behaved peers carry on undisturbed.
/// </summary>
public sealed class MalformedPduTests
{
    [Fact]
    public async Task Garbage_and_malformed_PDUs_get_an_A_ABORT_while_storescu_stores_undisturbed()
    {
        await using var server = ArchiveServer.Start("MALFORMED");
        var mr = InteropFiles.Mr();
        using var storescu = PeerProcess.Start("storescu", Storescu.Arguments(Proposal.Explicit, null, server.AETitle, server.Port, mr, "--repeat", "2"), "dcmtk");

        // Not DICOM at all: "G" is no PDU type -> unrecognized PDU (1).
        Assert.Equal(((byte)2, (byte)1), await AbortAfterAsync(server, null, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray()));

        // A PDU announcing 4 GB -> invalid PDU parameter value (6).
        Assert.Equal(((byte)2, (byte)6), await AbortAfterAsync(server, null, [0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x01]));

        // An association request that is not one: P-DATA before association -> unexpected PDU (2).
        Assert.Equal(((byte)2, (byte)2), await AbortAfterAsync(server, null, RawDicomPeer.PData(1, command: true, last: true, RawDicomPeer.EchoCommand(1))));

        // On an established association: data on a presentation context never negotiated (5), an unknown PDU type (1),
        // and a PDV whose length runs past its PDU (6).
        byte[] pdvTooLong = [0x04, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x03, 0x00, 0x00];
        Assert.Equal(((byte)2, (byte)5), await AbortAfterAsync(server, "MALFORMED", RawDicomPeer.PData(99, command: true, last: true, RawDicomPeer.EchoCommand(1))));
        Assert.Equal(((byte)2, (byte)1), await AbortAfterAsync(server, "MALFORMED", [0x09, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00]));
        Assert.Equal(((byte)2, (byte)6), await AbortAfterAsync(server, "MALFORMED", pdvTooLong));

        Assert.False(storescu.HasExited, "storescu finished before the malformed peers were done: they did not overlap");
        Assert.Equal(0, await storescu.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Storescu.AssertAllSucceeded(storescu.Output, 2 * mr.Count);
        await server.WaitUntilIdleAsync();
        Assert.Equal(mr.Count, server.StoredFiles().Count);
        Assert.Empty(server.IncomingFiles());
    }

    /// <summary>Sends <paramref name="bytes"/> (after associating, when <paramref name="calledAE"/> is given) and returns the A-ABORT's (source, reason).</summary>
    private static async Task<(byte, byte)> AbortAfterAsync(ArchiveServer server, string? calledAE, byte[] bytes)
    {
        using var peer = calledAE is null
            ? await RawDicomPeer.ConnectAsync(server.Port)
            : await RawDicomPeer.AssociateAsync(server.Port, calledAE, 16384, (1, RawDicomPeer.Verification, RawDicomPeer.ImplicitVRLittleEndian));
        await peer.SendAsync(bytes);
        var answer = await peer.ReadPduAsync(TimeSpan.FromSeconds(10));
        Assert.True(answer?.Type == RawPdu.Abort, $"{Convert.ToHexString(bytes.AsSpan(0, Math.Min(16, bytes.Length)))}: {RawDicomPeer.Describe(answer)}");
        Assert.True(await peer.WaitForCloseAsync(TimeSpan.FromSeconds(10)), "the connection stayed open after the A-ABORT");
        return answer.AbortFields;
    }
}
