using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Gateway.Dicom.Tests.Network;

/// <summary>
/// Debian's Orthanc as a C-STORE peer: its own configuration, storage and free ports in a temporary folder (deleted
/// on dispose); the REST API (loopback only) tells what it stored.
/// </summary>
internal sealed class OrthancPeer : IDisposable
{
    public const string AETitle = "ORTHANC";

    private readonly PeerProcess _process;
    private readonly HttpClient _http;

    private OrthancPeer(PeerProcess process, string folder, int dicomPort, int httpPort)
    {
        _process = process;
        Folder = folder;
        DicomPort = dicomPort;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/") };
    }

    public string Folder { get; }

    public int DicomPort { get; }

    /// <summary>Starts Orthanc; <paramref name="acceptedTransferSyntaxes"/> limits what its C-STORE SCP accepts (all by default).</summary>
    public static async Task<OrthancPeer> StartAsync(IReadOnlyList<string>? acceptedTransferSyntaxes = null)
    {
        var folder = Directory.CreateTempSubdirectory("gateway-net-orthanc-").FullName;
        var (dicomPort, httpPort) = (FreePort.Next(), FreePort.Next());
        var configuration = new JsonObject
        {
            ["Name"] = "GATEWAY-TESTS",
            ["StorageDirectory"] = Path.Combine(folder, "db"),
            ["IndexDirectory"] = Path.Combine(folder, "db"),
            ["Plugins"] = new JsonArray(),
            ["HttpServerEnabled"] = true,
            ["HttpPort"] = httpPort,
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = false,
            ["DicomServerEnabled"] = true,
            ["DicomAet"] = AETitle,
            [nameof(DicomPort)] = dicomPort,
            ["DicomCheckCalledAet"] = true,
            ["DicomAlwaysAllowStore"] = true,
            ["DicomAlwaysAllowEcho"] = true,
            ["UnknownSopClassAccepted"] = true,
            ["StorageCompression"] = false,
            ["SaveJobs"] = false,
        };
        if (acceptedTransferSyntaxes is not null)
        {
            configuration["AcceptedTransferSyntaxes"] = new JsonArray([.. acceptedTransferSyntaxes.Select(uid => (JsonNode)uid)]);
        }

        var path = Path.Combine(folder, "orthanc.json");
        await File.WriteAllTextAsync(path, configuration.ToJsonString());
        var process = PeerProcess.Start("Orthanc", [path], "orthanc", workingDirectory: folder);
        var peer = new OrthancPeer(process, folder, dicomPort, httpPort);
        try
        {
            await process.WaitForPortAsync(dicomPort, TimeSpan.FromSeconds(60));
            await process.WaitForPortAsync(httpPort, TimeSpan.FromSeconds(60));
        }
        catch
        {
            peer.Dispose();
            throw;
        }

        return peer;
    }

    /// <summary>Every instance Orthanc holds, by SOP Instance UID: its Orthanc ID and the transfer syntax it was received in.</summary>
    public async Task<IReadOnlyDictionary<string, (string Id, string TransferSyntaxUid)>> InstancesAsync(CancellationToken cancellationToken)
    {
        var instances = await _http.GetFromJsonAsync<JsonArray>("instances?expand", cancellationToken) ?? [];
        var result = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var instance in instances)
        {
            var id = instance!["ID"]!.GetValue<string>();
            var uid = instance["MainDicomTags"]!["SOPInstanceUID"]!.GetValue<string>();
            var syntax = await _http.GetStringAsync($"instances/{id}/metadata/TransferSyntax", cancellationToken);
            result[uid] = (id, syntax.Trim());
        }

        return result;
    }

    /// <summary>Downloads the file Orthanc stored for <paramref name="id"/> into <paramref name="folder"/>.</summary>
    public async Task<string> DownloadAsync(string id, string folder, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, id + ".dcm");
        await File.WriteAllBytesAsync(path, await _http.GetByteArrayAsync($"instances/{id}/file", cancellationToken), cancellationToken);
        return path;
    }

    public void Dispose()
    {
        _process.Dispose();
        _http.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
