using System.Diagnostics;

namespace Gateway.Dicom.Tests.Network;

/// <summary>ARTIM (PS3.8 9.1.5) and idle timeouts: silent peers are cut off, and nobody else notices.</summary>
public sealed class TimeoutTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task A_connection_that_sends_no_complete_association_request_is_closed_when_ARTIM_expires(int bytesSent)
    {
        await using var server = ArchiveServer.Start("ARTIM", options => options with { Association = options.Association with { ArtimTimeout = TimeSpan.FromSeconds(1) } });
        using var silent = await RawDicomPeer.ConnectAsync(server.Port);
        var clock = Stopwatch.StartNew();
        await silent.SendAsync([.. RawDicomPeer.AssociateRequest("ARTIM", "RAWPEER", 16384).Take(bytesSent)]);

        Assert.True(await silent.WaitForCloseAsync(TimeSpan.FromSeconds(10)), "the server kept a silent connection open");
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(6));
        await Echoscu.AssertSucceedsAsync(server.Port, "ARTIM");
    }

    [Fact]
    public async Task An_association_on_which_nothing_arrives_for_the_idle_timeout_is_aborted_by_the_provider()
    {
        await using var server = ArchiveServer.Start("IDLE", options => options with { Association = options.Association with { IdleTimeout = TimeSpan.FromSeconds(1) } });
        using var idle = await RawDicomPeer.AssociateAsync(server.Port, "IDLE", 16384, (1, RawDicomPeer.Verification, RawDicomPeer.ImplicitVRLittleEndian));
        var clock = Stopwatch.StartNew();
        Assert.Equal(0, await idle.RequestAsync(1, RawDicomPeer.EchoCommand(1), null));

        var pdu = await idle.ReadPduAsync(TimeSpan.FromSeconds(10));

        Assert.True(pdu?.Type == RawPdu.Abort, RawDicomPeer.Describe(pdu));
        Assert.Equal(2, pdu.AbortFields.Source); // service provider
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(6));
        Assert.True(await idle.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
        await Echoscu.AssertSucceedsAsync(server.Port, "IDLE");
    }
}
