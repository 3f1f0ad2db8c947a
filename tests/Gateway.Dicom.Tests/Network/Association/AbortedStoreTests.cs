using Gateway.Dicom.Network;

namespace Gateway.Dicom.Tests.Network;

/// <summary>How the raw peer ends its association in the middle of a data set.</summary>
public enum Interruption
{
    /// <summary>A-ABORT, then the connection closes.</summary>
    Abort,

    /// <summary>The socket is closed (FIN) without a word.</summary>
    Close,

    /// <summary>The socket is reset (RST).</summary>
    Reset,
}

/// <summary>
/// An association that ends in the middle of a C-STORE must leave nothing of that instance behind (no file, nothing
/// in the archive's .incoming folder), while the server goes on serving the associations open at the same time.
/// </summary>
public sealed class AbortedStoreTests
{
    [Theory]
    [InlineData(Interruption.Abort)]
    [InlineData(Interruption.Close)]
    [InlineData(Interruption.Reset)]
    public async Task An_association_ended_in_the_middle_of_a_C_STORE_leaves_no_partial_instance_while_storescu_is_served(Interruption interruption)
    {
        var logger = new CapturingLogger<DicomServer>();
        await using var server = ArchiveServer.Start("ABORT-TEST", logger: logger);
        var mr = InteropFiles.Mr();
        var victim = Part10Bytes.Read(mr[0].Path);
        var others = mr.Skip(1).ToList();

        // storescu sends the rest of the series twice over on its own association meanwhile.
        using var storescu = PeerProcess.Start("storescu", Storescu.Arguments(Proposal.Explicit, null, server.AETitle, server.Port, others, "--repeat", "2"), "dcmtk");
        await WaitUntilAsync(() => server.StoredFiles().Count > 0, "storescu's first instance");

        using (var raw = await RawDicomPeer.AssociateAsync(server.Port, server.AETitle, 16384, (1, victim.SopClassUid, RawDicomPeer.ExplicitVRLittleEndian)))
        {
            await raw.SendAsync(RawDicomPeer.PData(1, command: true, last: true, RawDicomPeer.StoreCommand(1, victim.SopClassUid, victim.SopInstanceUid)));
            var half = victim.DataSet.Length / 2;
            for (var offset = 0; offset < half; offset += 16_000)
            {
                await raw.SendAsync(RawDicomPeer.PData(1, command: false, last: false, victim.DataSet.AsSpan(offset, Math.Min(16_000, half - offset))));
            }

            await WaitUntilAsync(() => server.IncomingFiles().Any(path => new FileInfo(path).Length >= 64 * 1024), "the partial instance in .incoming");
            Assert.False(storescu.HasExited, "storescu finished before the interruption: the two associations did not overlap");
            switch (interruption)
            {
                case Interruption.Abort:
                    await raw.SendAsync(RawDicomPeer.AbortPdu());
                    raw.Close();
                    break;
                case Interruption.Close:
                    raw.Close();
                    break;
                default:
                    raw.Reset();
                    break;
            }
        }

        Assert.Equal(0, await storescu.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Storescu.AssertAllSucceeded(storescu.Output, 2 * others.Count);
        await server.WaitUntilIdleAsync();
        Assert.False(File.Exists(server.Archive.PathOf(victim.SopInstanceUid)), "the interrupted instance was stored");
        Assert.Empty(server.IncomingFiles());
        Assert.Equal(others.Count, server.StoredFiles().Count);
        Assert.Contains(logger.Entries, entry => entry.EventId == 3004 && entry.Message.Contains("RAWPEER", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_storescu_killed_in_the_middle_of_the_series_leaves_only_complete_instances()
    {
        await using var server = ArchiveServer.Start("KILL-TEST");
        var mr = InteropFiles.Mr();

        using (var storescu = PeerProcess.Start("storescu", Storescu.Arguments(Proposal.Explicit, null, server.AETitle, server.Port, mr), "dcmtk"))
        {
            await WaitUntilAsync(() => server.StoredFiles().Count >= 40, "40 instances stored");
            storescu.Kill();
        }

        await server.WaitUntilIdleAsync();
        Assert.Empty(server.IncomingFiles());
        var stored = server.StoredFiles();
        Assert.InRange(stored.Count, 40, mr.Count - 1);

        // The series is Explicit VR Little Endian on disk and goes as it is: each stored file must be whole.
        foreach (var file in mr.Where(file => File.Exists(server.Archive.PathOf(file.SopInstanceUid))))
        {
            Assert.True(Part10Bytes.FirstDifference(Part10Bytes.Read(file.Path).DataSet, Part10Bytes.Read(server.Archive.PathOf(file.SopInstanceUid)).DataSet) is null, file.Path);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(5);
        }
    }
}
