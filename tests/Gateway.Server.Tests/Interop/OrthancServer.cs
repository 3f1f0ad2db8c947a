using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Server.Tests.Interop;

/// <summary>
/// Debian's Orthanc 1.10 with its DICOMweb plugin as a child process of the test: a generated configuration in a
/// temporary folder (SQLite index and file storage there), free ports, and the gateway known both as DICOMweb server
/// "gateway" and as DICOM modality "gateway". Disposing stops it by PID and removes the folder.
/// </summary>
internal sealed class OrthancServer : IAsyncDisposable
{
    public const string AETitle = "ORTHANC";

    private readonly PeerProcess _process;
    private readonly string _folder;

    private OrthancServer(PeerProcess process, string folder, int httpPort, int dicomPort)
    {
        _process = process;
        _folder = folder;
        RestApiPort = httpPort;
        DicomServerPort = dicomPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromMinutes(2) };
    }

    public int RestApiPort { get; }

    public int DicomServerPort { get; }

    /// <summary>A client of Orthanc's REST API.</summary>
    public HttpClient Http { get; }

    public string Output => _process.Output;

    /// <summary>Ports for an Orthanc that will start later (the gateway must know Orthanc's DICOM port before it starts).</summary>
    public static (int Http, int Dicom) ReservePorts() => (PeerProcess.FreeLoopbackPort(), PeerProcess.FreeLoopbackPort());

    /// <summary>Starts Orthanc on the given ports, pointed at the gateway's DICOMweb root and DICOM port.</summary>
    public static async Task<OrthancServer> StartAsync(
        (int Http, int Dicom) ports, Uri gatewayDicomWebRoot, string gatewayAETitle, int gatewayDicomPort, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gatewayDicomWebRoot);
        var program = PeerInstallation.RequireOrthanc();
        var folder = Directory.CreateTempSubdirectory("gateway-orthanc-").FullName;
        var configuration = Path.Combine(folder, "orthanc.json");
        await File.WriteAllTextAsync(
            configuration, Configuration(folder, ports, gatewayDicomWebRoot, gatewayAETitle, gatewayDicomPort).ToJsonString(), cancellationToken);

        var process = PeerProcess.Start(program, ["--verbose", configuration], "orthanc");
        var server = new OrthancServer(process, folder, ports.Http, ports.Dicom);
        try
        {
            await process.WaitUntilAnsweringAsync(new Uri(server.Http.BaseAddress!, "system"), TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>POSTs JSON to Orthanc's REST API; a non-success status fails the test with Orthanc's answer and log.</summary>
    public async Task<JsonNode> PostAsync(string path, object body, CancellationToken cancellationToken)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, JsonSerializerOptions.Default, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"Orthanc POST /{path} answered {(int)response.StatusCode}: {text}\n{Tail(Output)}");
        return JsonNode.Parse(text.Length == 0 ? "{}" : text)!;
    }

    /// <summary>POSTs a raw body (e.g. a DICOM file) to Orthanc's REST API.</summary>
    public async Task<JsonNode> PostBytesAsync(string path, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        using var response = await Http.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"Orthanc POST /{path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public async Task<JsonNode> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"Orthanc GET /{path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Downloads every instance Orthanc holds (REST /instances/{id}/file) into <paramref name="folder"/>.</summary>
    public async Task<IReadOnlyList<string>> DownloadAllInstancesAsync(string folder, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        foreach (var id in (await GetAsync("instances", cancellationToken)).AsArray())
        {
            var file = Path.Combine(folder, id!.GetValue<string>() + ".dcm");
            await File.WriteAllBytesAsync(file, await Http.GetByteArrayAsync(new Uri($"instances/{id}/file", UriKind.Relative), cancellationToken), cancellationToken);
            files.Add(file);
        }

        return files;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _process.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    private static JsonObject Configuration(
        string folder, (int Http, int Dicom) ports, Uri gatewayDicomWebRoot, string gatewayAETitle, int gatewayDicomPort)
    {
        var storage = Path.Combine(folder, "db");
        var root = gatewayDicomWebRoot.AbsoluteUri.TrimEnd('/') + "/";
        var gatewayModality = new JsonObject
        {
            ["AET"] = gatewayAETitle,
            ["Host"] = "127.0.0.1",
            ["Port"] = gatewayDicomPort,
            ["AllowEcho"] = true,
            ["AllowFind"] = true,
            ["AllowMove"] = true,
            ["AllowGet"] = true,
            ["AllowStore"] = true,
        };
        return new JsonObject
        {
            ["Name"] = "GATEWAY-INTEROP-TEST",
            ["StorageDirectory"] = storage,
            ["IndexDirectory"] = storage,
            ["Plugins"] = new JsonArray(PeerInstallation.OrthancDicomWebPlugin),
            ["HttpServerEnabled"] = true,
            ["HttpPort"] = ports.Http,
            // Orthanc 1.10 has no bind-address setting: its HTTP and DICOM servers listen on 0.0.0.0. Refusing remote
            // HTTP clients is all it offers; its DICOM port is reachable from outside while a test runs (use a network
            // namespace with only `lo`, ../shared/docs/PEERS.md §0.2, where that matters).
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = false,
            ["HttpDescribeErrors"] = true,
            ["DicomServerEnabled"] = true,
            ["DicomAet"] = AETitle,
            ["DicomPort"] = ports.Dicom,
            ["DicomCheckCalledAet"] = false,
            ["DicomCheckModalityHost"] = false,
            ["DicomAlwaysAllowEcho"] = true,
            ["DicomAlwaysAllowStore"] = true,
            ["UnknownSopClassAccepted"] = true,
            ["OverwriteInstances"] = true,
            ["DicomModalities"] = new JsonObject { ["gateway"] = gatewayModality },
            ["DicomWeb"] = new JsonObject
            {
                ["Enable"] = true,
                ["Root"] = "/dicom-web/",
                ["EnableWado"] = false,
                ["Servers"] = new JsonObject
                {
                    // Orthanc's client sends STOW-RS chunked by default; "gateway-unchunked" sends Content-Length.
                    ["gateway"] = new JsonObject { ["Url"] = root },
                    ["gateway-unchunked"] = new JsonObject { ["Url"] = root, ["ChunkedTransfers"] = false },
                },
            },
        };
    }
}
