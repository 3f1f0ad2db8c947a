using System.Globalization;
using Gateway.Dicom;
using Gateway.Server.Tests.Crash;

namespace Gateway.Server.Tests.DicomWeb.Limits;

/// <summary>
/// `gateway serve` as its own process (so that its memory can be measured), holding one multi-frame instance sent by
/// DCMTK storescu: <see cref="Frames"/> frames of 512 x 512 16-bit values written by pydicom
/// (tests/oracle/multiframe_oracle.py) and compressed by DCMTK dcmcjpls to JPEG-LS lossless: about 6 MB stored, 60 MB
/// of frames when served decoded. The frame list may name at most <see cref="MaxFrames"/> frames.
/// </summary>
public sealed class MultiFrameGateway(PostgresCluster cluster) : IAsyncLifetime
{
    public const int Frames = 120;

    public const int FrameBytes = 512 * 512 * 2;

    public const int MaxFrames = 200;

    private GatewayProcess? _gateway;
    private string? _data;
    private string? _files;

    internal GatewayProcess Gateway
    {
        get
        {
            TestData.RequireSharedData();
            return _gateway ?? throw new InvalidOperationException("The gateway did not start.");
        }
    }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>The instance's WADO-RS path, relative to the gateway's root.</summary>
    public string InstancePath { get; private set; } = string.Empty;

    /// <summary>The stored values of each frame as pydicom wrote them (little endian).</summary>
    public IReadOnlyList<byte[]> ExpectedFrames { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        // The tests share the skip of the other gateway tests: no shared data, no gateway.
        if (TestData.SharedData is null)
        {
            return;
        }

        _files = Directory.CreateTempSubdirectory("frames-oracle-").FullName;
        var native = Path.Combine(_files, "native.dcm");
        var jpegLs = Path.Combine(_files, "jpeg-ls.dcm");
        ExternalTool.RunChecked(ExternalTool.DebianPython, [Path.Combine(TestData.RepositoryRoot, "tests/oracle/multiframe_oracle.py"), "make", native, Frames.ToString(CultureInfo.InvariantCulture)], "python3-pydicom");
        ExternalTool.RunChecked("dcmcjpls", [native, jpegLs], "dcmtk");
        var raw = await File.ReadAllBytesAsync(native + ".raw", TestContext.Current.CancellationToken);
        ExpectedFrames = Enumerable.Range(0, Frames).Select(n => raw.AsSpan(n * FrameBytes, FrameBytes).ToArray()).ToList();

        var postgres = await cluster.CreateEmptyDatabaseAsync(TestContext.Current.CancellationToken);
        _data = Directory.CreateTempSubdirectory("gateway-frames-").FullName;
        var (httpPort, dicomPort) = (GatewayProcess.FreePort(), GatewayProcess.FreePort());
        _gateway = await GatewayProcess.StartAsync(_data, httpPort, dicomPort, postgres, new Dictionary<string, string>
        {
            ["Gateway__WadoMaxFrames"] = MaxFrames.ToString(CultureInfo.InvariantCulture),
            ["Gateway__JobWorkers"] = "0",
        });
        Http.BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/");
        ExternalTool.RunChecked("storescu", ["-xt", "-aec", GatewayInstance.AETitle, "127.0.0.1", dicomPort.ToString(CultureInfo.InvariantCulture), jpegLs], "dcmtk");
        var dataset = DicomFile.Open(jpegLs, new DicomReadOptions { StopBeforePixelData = true }).Dataset;
        InstancePath = $"dicomweb/studies/{dataset.GetString(DicomTags.StudyInstanceUID)}/series/{dataset.GetString(DicomTags.SeriesInstanceUID)}/instances/{dataset.GetString(DicomTags.SOPInstanceUID)}";
    }

    public ValueTask DisposeAsync()
    {
        Http.Dispose();
        _gateway?.Dispose();
        foreach (var folder in new[] { _data, _files })
        {
            if (folder is not null)
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        return ValueTask.CompletedTask;
    }
}
