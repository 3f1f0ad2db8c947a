using Gateway.Dicom.Network;

namespace Gateway.Dicom.Tests.Network.QueryRetrieve;

/// <summary>
/// Our server on 127.0.0.1 with a <see cref="FolderArchiveProvider"/> over a folder, and the move destinations it
/// knows (tests add theirs before moving).
/// </summary>
internal sealed class ArchiveNode : IAsyncDisposable
{
    private readonly List<DicomPeer> _destinations = [];
    private readonly DicomServer _server;
    private readonly string _scratch;
    private int _folders;

    public ArchiveNode(string aeTitle, string folder, string scratch)
    {
        AETitle = aeTitle;
        _scratch = scratch;
        Archive = new DicomFolderArchive(folder, flushToDisk: false);
        _server = new DicomServer(new DicomServerOptions { AETitle = aeTitle, Port = 0 }, _ => new FolderArchiveProvider(Archive, Destinations()));
        _server.Start();
    }

    public string AETitle { get; }

    public int Port => _server.Port;

    public DicomFolderArchive Archive { get; }

    public void AddDestination(DicomPeer peer)
    {
        lock (_destinations)
        {
            _destinations.Add(peer);
        }
    }

    /// <summary>A new empty folder for one tool run's output.</summary>
    public string NewFolder(string name) =>
        Directory.CreateDirectory(Path.Combine(_scratch, $"{name}-{Interlocked.Increment(ref _folders)}")).FullName;

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private DicomPeer[] Destinations()
    {
        lock (_destinations)
        {
            return [.. _destinations];
        }
    }
}
