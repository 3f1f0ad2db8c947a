using System.Collections.Concurrent;
using System.Globalization;

namespace Gateway.Dicom.Tests.Network;

/// <summary>
/// The oracle of the storescu tests: the same files sent by storescu with the same proposals to DCMTK's own
/// storescp in bit-preserving mode (<c>+B</c>), which writes each data set exactly as it came off the wire. What
/// our server stored must be the same bytes. One reference run per proposal mode, shared by the tests.
/// </summary>
public sealed class StorescuReference : IDisposable
{
    private readonly ConcurrentDictionary<Proposal, Lazy<Task<IReadOnlyDictionary<string, Part10Bytes>>>> _runs = new();
    private readonly Lazy<string> _requestorConfig;

    public StorescuReference()
    {
        Folder = Directory.CreateTempSubdirectory("gateway-net-storescp-ref-").FullName;
        _requestorConfig = new(() => StorescuConfig.WriteRequestor(Folder, InteropFiles.All()));
    }

    public string Folder { get; }

    /// <summary>storescu's profile for the compressed proposals of <see cref="InteropFiles.All"/>.</summary>
    internal string RequestorConfig => _requestorConfig.Value;

    /// <summary>The data sets storescp received, by SOP Instance UID.</summary>
    internal Task<IReadOnlyDictionary<string, Part10Bytes>> GetAsync(Proposal proposal) =>
        _runs.GetOrAdd(proposal, mode => new Lazy<Task<IReadOnlyDictionary<string, Part10Bytes>>>(() => RunAsync(mode))).Value;

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    private async Task<IReadOnlyDictionary<string, Part10Bytes>> RunAsync(Proposal proposal)
    {
        var files = proposal == Proposal.Compressed ? InteropFiles.All() : InteropFiles.Native();
        var output = Directory.CreateDirectory(Path.Combine(Folder, proposal.ToString())).FullName;
        var port = FreePort.Next();
        List<string> acceptor = proposal == Proposal.Compressed
            ? ["-xf", StorescuConfig.WriteAcceptor(Folder, files), StorescuConfig.Profile]
            : [];
        using (var storescp = PeerProcess.Start("storescp", [.. acceptor, "+B", "-aet", "REFERENCE", "-od", output, port.ToString(CultureInfo.InvariantCulture)], "dcmtk", Storescu.NoDelay))
        {
            await storescp.WaitForPortAsync(port);
            var log = await Storescu.RunAsync(Storescu.Arguments(proposal, RequestorConfig, "REFERENCE", port, files), Storescu.NoDelay);
            Storescu.AssertAllSucceeded(log, files.Count);
        }

        var received = Directory.EnumerateFiles(output).Select(Part10Bytes.Read).ToDictionary(file => file.SopInstanceUid, StringComparer.Ordinal);
        Assert.Equal(files.Count, received.Count);
        return received;
    }
}
