using Gateway.Dicom.Network;

namespace Gateway.Dicom.Tests.Network;

/// <summary>
/// DCMTK storescu sending 250-300 real files (the MR series, CT slices, conformance files) into our server and
/// folder archive: every instance must arrive, byte for byte the data set storescu sent (as DCMTK's storescp
/// records it, see <see cref="StorescuReference"/>), with nothing left in the archive's incoming folder.
/// </summary>
public sealed class StorescuInteropTests(StorescuReference reference) : IClassFixture<StorescuReference>
{
    [Fact]
    public async Task Storescu_with_implicit_VR_proposals_stores_every_instance_as_sent()
    {
        var files = InteropFiles.Native();
        await using var server = ArchiveServer.Start("STORE-XI");

        var log = await Storescu.RunAsync(Storescu.Arguments(Proposal.Implicit, null, server.AETitle, server.Port, files));

        Storescu.AssertAllSucceeded(log, files.Count);
        await AssertStoredAsSentAsync(server, files, Proposal.Implicit);
        Assert.All(server.StoredFiles(), path => Assert.Equal(DicomTransferSyntax.ImplicitVRLittleEndian.Uid, Part10Bytes.Read(path).TransferSyntaxUid));
    }

    [Fact]
    public async Task Storescu_with_explicit_VR_proposals_stores_every_instance_as_sent()
    {
        var files = InteropFiles.Native();
        await using var server = ArchiveServer.Start("STORE-XE");

        var log = await Storescu.RunAsync(Storescu.Arguments(Proposal.Explicit, null, server.AETitle, server.Port, files));

        Storescu.AssertAllSucceeded(log, files.Count);
        await AssertStoredAsSentAsync(server, files, Proposal.Explicit);

        // The MR series is Explicit VR Little Endian on disk: it must arrive identical to the files themselves.
        Assert.All(InteropFiles.Mr(), file => AssertSameDataSet(Part10Bytes.Read(file.Path), Part10Bytes.Read(server.Archive.PathOf(file.SopInstanceUid)), file.Path));
    }

    [Fact]
    public async Task Storescu_with_compressed_proposals_stores_each_instance_in_the_syntax_it_was_sent_in()
    {
        var files = InteropFiles.All();
        Assert.True(files.Count(file => !file.IsNative) >= 40, "expected the compressed conformance files in the set");
        await using var server = ArchiveServer.Start("STORE-XF");

        var log = await Storescu.RunAsync(Storescu.Arguments(Proposal.Compressed, reference.RequestorConfig, server.AETitle, server.Port, files));

        Storescu.AssertAllSucceeded(log, files.Count);
        await AssertStoredAsSentAsync(server, files, Proposal.Compressed);
        Assert.All(files.Where(file => !file.IsNative), file =>
            Assert.Equal(file.TransferSyntaxUid, Part10Bytes.Read(server.Archive.PathOf(file.SopInstanceUid)).TransferSyntaxUid));
    }

    [Fact]
    public async Task Four_storescu_processes_at_once_store_every_instance_over_parallel_associations()
    {
        var files = InteropFiles.All();
        await using var server = ArchiveServer.Start("STORE-PAR");
        var parts = Enumerable.Range(0, 4).Select(part => files.Where((_, index) => index % 4 == part).ToList()).ToList();

        var mostAtOnce = 0;
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                mostAtOnce = Math.Max(mostAtOnce, server.Server.ActiveAssociations);
                await Task.Delay(5, CancellationToken.None);
            }
        }, TestContext.Current.CancellationToken);
        var logs = await Task.WhenAll(parts.Select(part =>
            Storescu.RunAsync(Storescu.Arguments(Proposal.Compressed, reference.RequestorConfig, server.AETitle, server.Port, part))));
        await watching.CancelAsync();
        await watcher;

        for (var i = 0; i < parts.Count; i++)
        {
            Storescu.AssertAllSucceeded(logs[i], parts[i].Count);
        }

        Assert.True(mostAtOnce >= 2, $"the four associations never overlapped (at most {mostAtOnce} at once)");
        await AssertStoredAsSentAsync(server, files, Proposal.Compressed);
    }

    [Fact]
    public async Task Storescu_with_a_16KB_max_PDU_stores_every_instance_into_a_server_limited_to_16KB()
    {
        var files = InteropFiles.All();
        await using var server = ArchiveServer.Start("STORE-16K", options => options with { Association = options.Association with { MaxPduLength = 16384 } });

        var log = await Storescu.RunAsync(Storescu.Arguments(Proposal.Compressed, reference.RequestorConfig, server.AETitle, server.Port, files, "-pdu", "16384"));

        // storescu may send PDVs of at most our maximum PDU length less the PDU and PDV headers.
        Assert.Contains("Max Send PDV: 16372", log, StringComparison.Ordinal);
        Storescu.AssertAllSucceeded(log, files.Count);
        await AssertStoredAsSentAsync(server, files, Proposal.Compressed);
    }

    private async Task AssertStoredAsSentAsync(ArchiveServer server, IReadOnlyList<InteropFile> files, Proposal proposal)
    {
        var sent = await reference.GetAsync(proposal);
        await server.WaitUntilIdleAsync();
        Assert.Empty(server.IncomingFiles());
        Assert.Equal(files.Count, server.StoredFiles().Count);
        var failures = new List<string>();
        foreach (var file in files)
        {
            var path = server.Archive.PathOf(file.SopInstanceUid);
            if (!File.Exists(path))
            {
                failures.Add($"{file.Path}: not stored");
                continue;
            }

            var stored = Part10Bytes.Read(path);
            var expected = sent[file.SopInstanceUid];
            if (stored.TransferSyntaxUid != expected.TransferSyntaxUid || stored.SopClassUid != file.SopClassUid || stored.SopInstanceUid != file.SopInstanceUid)
            {
                failures.Add($"{file.Path}: stored as {stored.SopClassUid}/{stored.SopInstanceUid} in {stored.TransferSyntaxUid}, sent in {expected.TransferSyntaxUid}");
            }
            else if (Part10Bytes.FirstDifference(expected.DataSet, stored.DataSet) is { } difference)
            {
                failures.Add($"{file.Path}: {difference}");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {files.Count} instances differ:\n" + string.Join('\n', failures.Take(20)));
        TestContext.Current.TestOutputHelper?.WriteLine($"{files.Count} instances ({files.Count(file => !file.IsNative)} compressed) stored byte for byte as storescu sent them");
    }

    private static void AssertSameDataSet(Part10Bytes expected, Part10Bytes actual, string what)
    {
        Assert.Equal(expected.TransferSyntaxUid, actual.TransferSyntaxUid);
        Assert.True(Part10Bytes.FirstDifference(expected.DataSet, actual.DataSet) is null, $"{what}: {Part10Bytes.FirstDifference(expected.DataSet, actual.DataSet)}");
    }
}
