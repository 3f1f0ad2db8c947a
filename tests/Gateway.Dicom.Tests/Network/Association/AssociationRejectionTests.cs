using Gateway.Dicom.Network;

namespace Gateway.Dicom.Tests.Network;

/// <summary>
/// Refusals use the A-ASSOCIATE-RJ result, source and reason PS3.8 table 9-21 defines, as DCMTK's echoscu reads
/// them, as the raw bytes show, and as our client reports them.
/// </summary>
public sealed class AssociationRejectionTests
{
    [Fact]
    public async Task A_wrong_called_AE_title_is_rejected_permanently_by_the_service_user_with_reason_7()
    {
        await using var server = ArchiveServer.Start("RIGHT-AE");

        var (exitCode, output) = await Echoscu.RunAsync(server.Port, "WRONG-AE");
        Assert.Equal(1, exitCode);
        Assert.True(output.Contains("Result: Rejected Permanent, Source: Service User", StringComparison.Ordinal), output);
        Assert.True(output.Contains("Reason: Called AE Title Not Recognized", StringComparison.Ordinal), output);

        Assert.Equal(((byte)1, (byte)1, (byte)7), await RawRejectionAsync(server.Port, "WRONG-AE"));

        var client = new DicomClient("127.0.0.1", server.Port, "WRONG-AE");
        var rejected = await Assert.ThrowsAsync<DicomAssociationRejectedException>(() => client.EchoAsync(TestContext.Current.CancellationToken));
        Assert.Equal(new AssociationRejection(RejectResult.Permanent, RejectSource.ServiceUser, 7), rejected.Rejection);

        await Echoscu.AssertSucceedsAsync(server.Port, "RIGHT-AE");
    }

    [Fact]
    public async Task A_calling_AE_title_outside_the_allow_list_or_from_another_host_is_rejected_with_reason_3()
    {
        await using var server = ArchiveServer.Start("GUARDED", options => options with
        {
            AllowedCallers = [new DicomCaller("KNOWN", "127.0.0.1", DimsePermissions.All), new DicomCaller("ELSEWHERE", "192.0.2.7", DimsePermissions.All)],
        });

        foreach (var stranger in new[] { "STRANGER", "ELSEWHERE" })
        {
            var (exitCode, output) = await Echoscu.RunAsync(server.Port, "GUARDED", stranger);
            Assert.True(exitCode == 1, output);
            Assert.True(output.Contains("Result: Rejected Permanent, Source: Service User", StringComparison.Ordinal), output);
            Assert.True(output.Contains("Reason: Calling AE Title Not Recognized", StringComparison.Ordinal), output);
        }

        Assert.Equal(((byte)1, (byte)1, (byte)3), await RawRejectionAsync(server.Port, "GUARDED"));
        await Echoscu.AssertSucceedsAsync(server.Port, "GUARDED", "KNOWN");
    }

    [Fact]
    public async Task Associations_beyond_the_limit_are_rejected_as_transient_local_limit_exceeded_until_one_ends()
    {
        await using var server = ArchiveServer.Start("LIMITED", options => options with { MaxAssociations = 2 });
        using var first = await RawDicomPeer.AssociateAsync(server.Port, "LIMITED", 16384, (1, RawDicomPeer.Verification, RawDicomPeer.ImplicitVRLittleEndian));
        using var second = await RawDicomPeer.AssociateAsync(server.Port, "LIMITED", 16384, (1, RawDicomPeer.Verification, RawDicomPeer.ImplicitVRLittleEndian));

        var (exitCode, output) = await Echoscu.RunAsync(server.Port, "LIMITED");
        Assert.True(exitCode == 1, output);
        Assert.True(output.Contains("Result: Rejected Transient, Source: Service Provider (Presentation Related)", StringComparison.Ordinal), output);
        Assert.True(output.Contains("Reason: Local Limit Exceeded", StringComparison.Ordinal), output);
        Assert.Equal(((byte)2, (byte)3, (byte)2), await RawRejectionAsync(server.Port, "LIMITED"));

        // The two held associations still work; once one is released, a newcomer gets in.
        Assert.Equal(0, await first.RequestAsync(1, RawDicomPeer.EchoCommand(1), null));
        await second.SendAsync(RawDicomPeer.ReleaseRequest());
        Assert.Equal(RawPdu.ReleaseResponse, (await second.ReadPduAsync(TimeSpan.FromSeconds(10)))?.Type);
        await WaitForAsync(() => server.Server.ActiveAssociations < 2);
        await Echoscu.AssertSucceedsAsync(server.Port, "LIMITED");
    }

    /// <summary>The (result, source, reason) of the A-ASSOCIATE-RJ answering a raw request from RAWPEER.</summary>
    private static async Task<(byte, byte, byte)> RawRejectionAsync(int port, string calledAE)
    {
        using var raw = await RawDicomPeer.ConnectAsync(port);
        await raw.SendAsync(RawDicomPeer.AssociateRequest(calledAE, "RAWPEER", 16384, (1, RawDicomPeer.Verification, RawDicomPeer.ImplicitVRLittleEndian)));
        var answer = await raw.ReadPduAsync(TimeSpan.FromSeconds(10));
        Assert.True(answer?.Type == RawPdu.AssociateReject, RawDicomPeer.Describe(answer));
        Assert.True(await raw.WaitForCloseAsync(TimeSpan.FromSeconds(10)), "the server kept the connection open after rejecting");
        return answer.Rejection;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10);
        }
    }
}
