using Gateway.Dicom.Network;

namespace Gateway.Dicom.Tests.Network;

/// <summary>Many associations at once: each is served on its own, none waits for another, every instance lands whole.</summary>
public sealed class ConcurrentAssociationTests
{
    [Fact]
    public async Task Twenty_clients_echoing_and_storing_at_once_all_succeed()
    {
        var mr = InteropFiles.Mr();
        // All twenty come from 127.0.0.1: above the default per-address limit (16), which AssociationLimitTests checks.
        await using var server = ArchiveServer.Start("BUSY", options => options with { MaxAssociationsPerAddress = 20 });
        var mostAtOnce = 0;
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                mostAtOnce = Math.Max(mostAtOnce, server.Server.ActiveAssociations);
                await Task.Delay(2, CancellationToken.None);
            }
        }, TestContext.Current.CancellationToken);

        // 8 of our clients and 4 storescu processes store 12 series parts (16 instances each); 8 echoscu echo.
        var parts = Enumerable.Range(0, 12).Select(part => mr.Skip(part * 16).Take(16).ToList()).ToList();
        var ours = parts.Take(8).Select(part => Task.Run(
            () => new DicomClient("127.0.0.1", server.Port, "BUSY", new DicomClientOptions { CallingAE = "CLIENT" }).StoreAsync([.. part.Select(file => file.Path)], TestContext.Current.CancellationToken),
            TestContext.Current.CancellationToken)).ToList();
        var storescus = parts.Skip(8).Select(part => Storescu.RunAsync(Storescu.Arguments(Proposal.Explicit, null, "BUSY", server.Port, part))).ToList();
        var echoes = Enumerable.Range(0, 8).Select(_ => Echoscu.AssertSucceedsAsync(server.Port, "BUSY")).ToList();

        var outcomes = await Task.WhenAll(ours);
        var logs = await Task.WhenAll(storescus);
        await Task.WhenAll(echoes);
        await watching.CancelAsync();
        await watcher;

        Assert.All(outcomes.SelectMany(outcome => outcome), outcome => Assert.True(outcome.Succeeded, outcome.Error ?? outcome.Status?.ToString()));
        Assert.All(logs, log => Storescu.AssertAllSucceeded(log, 16));
        Assert.True(mostAtOnce >= 4, $"at most {mostAtOnce} associations were open at once");
        await server.WaitUntilIdleAsync();
        Assert.Equal(mr.Count, server.StoredFiles().Count);
        Assert.Empty(server.IncomingFiles());
        Assert.All(mr, file => Assert.Null(Part10Bytes.FirstDifference(Part10Bytes.Read(file.Path).DataSet, Part10Bytes.Read(server.Archive.PathOf(file.SopInstanceUid)).DataSet)));
        TestContext.Current.TestOutputHelper?.WriteLine($"{mostAtOnce} associations open at once at most");
    }
}
