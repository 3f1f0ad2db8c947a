using System.Globalization;

namespace Gateway.Dicom.Tests.Network;

/// <summary>DCMTK storescp on a free port, writing what it receives to a temporary folder (deleted on dispose).</summary>
internal sealed class StorescpPeer : IDisposable
{
    private readonly PeerProcess _process;

    private StorescpPeer(PeerProcess process, int port, string folder, string aeTitle)
    {
        _process = process;
        Port = port;
        Folder = folder;
        AETitle = aeTitle;
    }

    public int Port { get; }

    public string Folder { get; }

    public string AETitle { get; }

    public string Output => _process.Output;

    /// <summary>Starts storescp with <paramref name="options"/> (e.g. <c>+xa</c>, TLS flags) and waits until it listens.</summary>
    public static async Task<StorescpPeer> StartAsync(string aeTitle, params string[] options)
    {
        var folder = Directory.CreateTempSubdirectory("gateway-net-storescp-").FullName;
        var port = FreePort.Next();
        List<string> arguments = ["-v", "+B", "-aet", aeTitle, "-od", folder, .. options, port.ToString(CultureInfo.InvariantCulture)];
        var process = PeerProcess.Start("storescp", arguments, "dcmtk", Storescu.NoDelay);
        var peer = new StorescpPeer(process, port, folder, aeTitle);
        try
        {
            await process.WaitForPortAsync(port);
        }
        catch
        {
            peer.Dispose();
            throw;
        }

        return peer;
    }

    /// <summary>What storescp wrote, by SOP Instance UID.</summary>
    public IReadOnlyDictionary<string, string> ReceivedFiles() =>
        Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories).ToDictionary(path => Part10Bytes.Read(path).SopInstanceUid, StringComparer.Ordinal);

    public void Dispose()
    {
        _process.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
