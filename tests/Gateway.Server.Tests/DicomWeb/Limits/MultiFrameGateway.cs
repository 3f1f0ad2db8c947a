using System.Globalization;
using Gateway.Dicom;
using Gateway.Server.Tests.Crash;

namespace Gateway.Server.Tests.DicomWeb.Limits;

/// <summary>
/// `gateway serve` as its own process (so that its memory can be measured), holding one multi-frame instance sent by
/// DCMTK storescu: the ACUSON 65-frame YBR_FULL_422 JPEG baseline cine, whose frames decode to 788 KB each (51 MB
/// for all 65, from a 3.8 MB file). The frame list may name at most <see cref="MaxFrames"/> frames.
/// </summary>
public sealed class MultiFrameGateway(PostgresCluster cluster) : IAsyncLifetime
{
    public const string File = "dicom-conformance/fo-dicom/DIRW0007_US_multiframe.dcm";

    public const int MaxFrames = 100;

    private GatewayProcess? _gateway;
    private string? _data;

    public GatewayProcess Gateway
    {
        get
        {
            TestData.RequireSharedData(File);
            return _gateway ?? throw new InvalidOperationException("The gateway did not start.");
        }
    }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>The instance's WADO-RS path, relative to the gateway's root.</summary>
    public string InstancePath { get; private set; } = string.Empty;

    public async ValueTask InitializeAsync()
    {
        if (TestData.SharedData is null)
        {
            return;
        }

        var file = Path.Combine(TestData.SharedData, File);
        var postgres = await cluster.CreateEmptyDatabaseAsync(TestContext.Current.CancellationToken);
        _data = Directory.CreateTempSubdirectory("gateway-frames-").FullName;
        var (httpPort, dicomPort) = (GatewayProcess.FreePort(), GatewayProcess.FreePort());
        _gateway = await GatewayProcess.StartAsync(_data, httpPort, dicomPort, postgres, new Dictionary<string, string>
        {
            ["Gateway__WadoMaxFrames"] = MaxFrames.ToString(CultureInfo.InvariantCulture),
            ["Gateway__JobWorkers"] = "0",
        });
        Http.BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/");
        ExternalTool.RunChecked("storescu", ["-xy", "-aec", GatewayInstance.AETitle, "127.0.0.1", dicomPort.ToString(CultureInfo.InvariantCulture), file], "dcmtk");
        var dataset = DicomFile.Open(file, new DicomReadOptions { StopBeforePixelData = true }).Dataset;
        InstancePath = $"dicomweb/studies/{dataset.GetString(DicomTags.StudyInstanceUID)}/series/{dataset.GetString(DicomTags.SeriesInstanceUID)}/instances/{dataset.GetString(DicomTags.SOPInstanceUID)}";
    }

    public ValueTask DisposeAsync()
    {
        Http.Dispose();
        _gateway?.Dispose();
        if (_data is not null)
        {
            Directory.Delete(_data, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}
