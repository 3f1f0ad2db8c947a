using System.Diagnostics;

namespace Gateway.Dicom.Tests.Network;

/// <summary>
/// Issue 13 point 4: one host cannot take every association slot. Connections from 127.0.0.1 and 127.0.0.2 (both
/// loopback, to a server on 127.0.0.1) are two sources to the server.
/// </summary>
public sealed class AssociationLimitTests
{
    /// <summary>The default per-address limit (DicomServerOptions.MaxAssociationsPerAddress), as the README states it.</summary>
    private const int DefaultPerAddressLimit = 16;

    private static readonly (byte, string, string) Echo = (1, RawDicomPeer.Verification, RawDicomPeer.ImplicitVRLittleEndian);

    [Fact]
    public async Task Point04_seventy_idle_associations_from_one_address_leave_a_new_association_from_another_address_accepted_and_the_limit_plus_first_is_refused_as_local_limit_exceeded()
    {
        await using var server = ArchiveServer.Start("PERHOST");
        var peers = new List<RawDicomPeer>();
        try
        {
            var answers = new List<RawPdu?>();
            for (var index = 0; index < 70; index++)
            {
                var peer = await RawDicomPeer.ConnectAsync(server.Port);
                peers.Add(peer);
                answers.Add(await peer.RequestAssociationAsync("PERHOST", 16384, Echo));
            }

            Assert.Equal(DefaultPerAddressLimit, answers.Count(answer => answer?.Type == RawPdu.AssociateAccept));
            Assert.All(answers.Take(DefaultPerAddressLimit), answer => Assert.Equal(RawPdu.AssociateAccept, answer?.Type));
            foreach (var refused in answers.Skip(DefaultPerAddressLimit))
            {
                // PS3.8 table 9-21: result 2 rejected-transient, source 3 service-provider (presentation), reason 2 local-limit-exceeded.
                Assert.True(refused?.Type == RawPdu.AssociateReject, RawDicomPeer.Describe(refused));
                Assert.Equal(((byte)2, (byte)3, (byte)2), refused.Rejection);
            }

            using var other = await RawDicomPeer.ConnectAsync(server.Port, "127.0.0.2");
            var answer = await other.RequestAssociationAsync("PERHOST", 16384, Echo);
            Assert.True(answer?.Type == RawPdu.AssociateAccept, RawDicomPeer.Describe(answer));
            Assert.Equal(0, await other.RequestAsync(1, RawDicomPeer.EchoCommand(1), null));

            // The idle associations from 127.0.0.1 still work.
            Assert.Equal(0, await peers[0].RequestAsync(1, RawDicomPeer.EchoCommand(2), null));
        }
        finally
        {
            peers.ForEach(peer => peer.Dispose());
        }
    }

    [Fact]
    public async Task Point04_seventy_bare_connections_from_one_address_leave_a_new_association_from_another_address_accepted_and_are_closed_when_ARTIM_expires()
    {
        await using var server = ArchiveServer.Start("BARE", options => options with { Association = options.Association with { ArtimTimeout = TimeSpan.FromSeconds(3) } });
        var bare = new List<RawDicomPeer>();
        try
        {
            for (var index = 0; index < 70; index++)
            {
                bare.Add(await RawDicomPeer.ConnectAsync(server.Port));
            }

            var clock = Stopwatch.StartNew();
            await WaitForAsync(() => server.Server.ActiveAssociations >= 70);

            using var other = await RawDicomPeer.ConnectAsync(server.Port, "127.0.0.2");
            var answer = await other.RequestAssociationAsync("BARE", 16384, Echo);
            Assert.True(answer?.Type == RawPdu.AssociateAccept, RawDicomPeer.Describe(answer));
            Assert.Equal(0, await other.RequestAsync(1, RawDicomPeer.EchoCommand(1), null));

            foreach (var connection in bare)
            {
                Assert.True(await connection.WaitForCloseAsync(TimeSpan.FromSeconds(15)), "a connection that never sent an A-ASSOCIATE-RQ was kept open");
            }

            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(12));
        }
        finally
        {
            bare.ForEach(peer => peer.Dispose());
        }
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
