using System.Globalization;
using System.Text.Json;

namespace Gateway.Server.Tests.DicomWeb.Qido;

/// <summary>What pydicom reads from one of the files sent to the gateway (tests/oracle/query_oracle.py).</summary>
public sealed record OracleInstance(
    string File,
    string PatientID,
    string PatientName,
    string StudyDate,
    string Modality,
    string StudyInstanceUID,
    string SeriesInstanceUID,
    string SOPInstanceUID,
    string SOPClassUID,
    string InstanceNumber,
    string TransferSyntaxUID,
    IReadOnlyList<string> Tags);

/// <summary>
/// A gateway holding an MR series (24 slices of the paediatric MPRAGE) and conformance files of several patients,
/// studies, modalities and transfer syntaxes, all sent with DCMTK storescu; and what pydicom says those files hold.
/// </summary>
public sealed class StoredArchive(PostgresCluster cluster) : IAsyncLifetime
{
    public const string MrFolder = "volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon";

    private static readonly string[] ConformanceFiles = ["CT0012.fragmented_no_bot_jpeg_baseline.51.dcm", "US-YBR_FULL_422-EVRLE.dcm", "no-pixel-spacing.dcm", "CTImage.dcm"];

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private GatewayInstance? _gateway;

    private IReadOnlyList<OracleInstance> _instances = [];

    /// <summary>The gateway; skips the test when ../shared/data is absent (the fixture then starts nothing).</summary>
    public GatewayInstance Gateway
    {
        get
        {
            RequireStarted();
            return _gateway!;
        }
    }

    /// <summary>What pydicom reads from the stored files; skips the test when ../shared/data is absent.</summary>
    public IReadOnlyList<OracleInstance> Instances
    {
        get
        {
            RequireStarted();
            return _instances;
        }
    }

    /// <summary>The port of the C-MOVE destination "STORESCP" the gateway is configured with (a test starts storescp there).</summary>
    public int MovePort { get; } = FreePort();

    /// <summary>The MR series' files.</summary>
    public IReadOnlyList<string> MrFiles { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        if (TestData.SharedData is null)
        {
            return;
        }

        var mr = TestData.RequireSharedData(MrFolder);
        MrFiles = Directory.GetFiles(mr, "*.dcm").Order(StringComparer.Ordinal).Take(24).ToList();
        var conformance = TestData.RequireSharedData("dicom-conformance");
        var others = Enumerable.Range(1, 9).Select(n => Path.Combine(conformance, "dcm_qa_ts-MR-9-transfer-syntaxes", $"{n}.dcm"))
            .Concat(ConformanceFiles.Select(name => Path.Combine(conformance, "cornerstone-CTImage-all-transfer-syntaxes", name)));
        var files = MrFiles.Concat(others).ToList();
        var json = ExternalTool.RunChecked(ExternalTool.DebianPython, [Path.Combine(TestData.RepositoryRoot, "tests/oracle/query_oracle.py"), "attributes", .. files], "python3-pydicom");
        _instances = JsonSerializer.Deserialize<List<OracleInstance>>(json, JsonOptions)!;

        _gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?> { ["Peers:0"] = $"STORESCP=127.0.0.1:{MovePort}", ["RestrictCallingAETitles"] = "false" });
        var port = _gateway.DicomPort.ToString(CultureInfo.InvariantCulture);
        ExternalTool.RunChecked("storescu", ["-aec", GatewayInstance.AETitle, "127.0.0.1", port, .. MrFiles], "dcmtk");
        foreach (var instance in _instances.Skip(MrFiles.Count))
        {
            // One association per file, proposing the file's own transfer syntax, so that it is archived as it is.
            ExternalTool.RunChecked("storescu", [ProposeOption(instance.TransferSyntaxUID), "-aec", GatewayInstance.AETitle, "127.0.0.1", port, instance.File], "dcmtk");
        }
    }

    /// <summary>The instances pydicom reads from the MR series.</summary>
    public IReadOnlyList<OracleInstance> MrInstances => Instances.Take(MrFiles.Count).ToList();

    private void RequireStarted()
    {
        TestData.RequireSharedData(MrFolder);
        if (_gateway is null)
        {
            throw new InvalidOperationException("The archive fixture did not start.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }

    /// <summary>The storescu option that proposes a transfer syntax (DCMTK storescu --help, "transfer syntaxes").</summary>
    private static string ProposeOption(string transferSyntaxUid) => transferSyntaxUid switch
    {
        "1.2.840.10008.1.2" => "-xi",
        "1.2.840.10008.1.2.1" => "-xe",
        "1.2.840.10008.1.2.2" => "-xb",
        "1.2.840.10008.1.2.1.99" => "-xd",
        "1.2.840.10008.1.2.4.50" => "-xy",
        "1.2.840.10008.1.2.4.51" => "-xx",
        "1.2.840.10008.1.2.4.57" or "1.2.840.10008.1.2.4.70" => "-xs",
        "1.2.840.10008.1.2.4.80" => "-xt",
        "1.2.840.10008.1.2.4.81" => "-xu",
        "1.2.840.10008.1.2.4.90" => "-xv",
        "1.2.840.10008.1.2.4.91" => "-xw",
        "1.2.840.10008.1.2.5" => "-xr",
        _ => throw new InvalidOperationException($"No storescu option proposes {transferSyntaxUid}."),
    };

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
