using Gateway.Dicom.Network;
using Microsoft.Extensions.Logging;

namespace Gateway.Dicom.Tests.Network;

/// <summary>Our server over a <see cref="DicomFolderArchive"/> in a temporary folder, on a free loopback port.</summary>
internal sealed class ArchiveServer : IAsyncDisposable
{
    private ArchiveServer(DicomServer server, DicomFolderArchive archive)
    {
        Server = server;
        Archive = archive;
    }

    public DicomServer Server { get; }

    public DicomFolderArchive Archive { get; }

    public int Port => Server.Port;

    public string AETitle { get; private init; } = string.Empty;

    /// <summary>Starts a server; <paramref name="configure"/> may change the options (Port stays 0).</summary>
    public static ArchiveServer Start(
        string aeTitle, Func<DicomServerOptions, DicomServerOptions>? configure = null, bool flushToDisk = true, ILogger<DicomServer>? logger = null)
    {
        var folder = Directory.CreateTempSubdirectory("gateway-net-store-").FullName;
        var archive = new DicomFolderArchive(folder, flushToDisk);
        var options = new DicomServerOptions { AETitle = aeTitle, Port = 0 };
        options = (configure?.Invoke(options) ?? options) with { Port = 0 };
        var server = new DicomServer(options, _ => new FolderArchiveProvider(archive), logger);
        server.Start();
        return new ArchiveServer(server, archive) { AETitle = aeTitle };
    }

    /// <summary>The instances stored so far (Part 10 files in the archive folder).</summary>
    public IReadOnlyList<string> StoredFiles() => [.. Directory.EnumerateFiles(Archive.Folder, "*.dcm")];

    /// <summary>What is left in the archive's folder of partial transfers.</summary>
    public IReadOnlyList<string> IncomingFiles() => [.. Directory.EnumerateFileSystemEntries(Path.Combine(Archive.Folder, ".incoming"))];

    /// <summary>Waits until no association is open (the server has finished with every connection).</summary>
    public async Task WaitUntilIdleAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (Server.ActiveAssociations > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{Server.ActiveAssociations} associations still open.");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Archive.Folder, recursive: true);
    }
}
