using System.Globalization;
using Gateway.Core.Archive;
using Gateway.Dicom;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.DicomWeb.Retrieve;

/// <summary>
/// One gateway for the retrieve tests, fed once by DCMTK storescu: the MR slice in 9 transfer syntaxes
/// (dcm_qa_ts), a 10-frame JPEG-LS MR, a JPEG baseline CT, the 192-slice MR series (mr-t1-sag); and through
/// IngestService a MONOCHROME1 CR without File Meta Information (which storescu does not send).
/// </summary>
public sealed class RetrieveGateway(PostgresCluster cluster) : IAsyncLifetime
{
    public const string TransferSyntaxFolder = "dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes";
    public const string MultiFrameJpegLs = "dicom-conformance/pydicom-data/emri_small_jpeg_ls_lossless.dcm";
    public const string JpegBaselineCt = "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50.dcm";
    public const string MrSeriesFolder = "volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon";
    public const string Monochrome1 = "xray/dicom/fo-dicom__CR-MONO1-10-chest.dcm";

    private GatewayInstance? _gateway;

    public GatewayInstance Gateway => _gateway ?? throw new InvalidOperationException("Shared data is missing; the tests skip.");

    public bool HasData { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (TestData.SharedData is null)
        {
            return;
        }

        _gateway = await GatewayInstance.StartAsync(cluster);
        var port = _gateway.DicomPort.ToString(CultureInfo.InvariantCulture);
        // One association per compressed file: storescu then proposes exactly that file's transfer syntax.
        var singles = Directory.GetFiles(Shared(TransferSyntaxFolder), "*.dcm").Append(Shared(MultiFrameJpegLs)).Append(Shared(JpegBaselineCt));
        foreach (var file in singles)
        {
            ExternalTool.RunChecked("storescu", [ProposeOption(file), "-aec", GatewayInstance.AETitle, "127.0.0.1", port, file], "dcmtk");
        }

        ExternalTool.RunChecked("storescu", ["-aec", GatewayInstance.AETitle, "127.0.0.1", port, .. Directory.GetFiles(Shared(MrSeriesFolder), "*.dcm")], "dcmtk");

        var ingest = _gateway.Services.GetRequiredService<IngestService>();
        await using (var stream = File.OpenRead(Shared(Monochrome1)))
        {
            var result = await ingest.StoreFileAsync(stream, null, CancellationToken.None);
            if (result.Outcome != IngestOutcome.Stored)
            {
                throw new InvalidOperationException($"{Monochrome1} was not stored: {result.Message}");
            }
        }

        HasData = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }

    /// <summary>The storescu option that proposes the file's own transfer syntax first, so that it is stored as it is.</summary>
    private static string ProposeOption(string file) =>
        DicomFile.Open(file, new DicomReadOptions { StopBeforePixelData = true }).TransferSyntax.Uid switch
        {
            "1.2.840.10008.1.2" => "-xi",
            "1.2.840.10008.1.2.2" => "-xb",
            "1.2.840.10008.1.2.5" => "-xr",
            "1.2.840.10008.1.2.4.70" => "-xs",
            "1.2.840.10008.1.2.4.80" => "-xt",
            "1.2.840.10008.1.2.4.90" => "-xv",
            "1.2.840.10008.1.2.4.50" => "-xy",
            _ => "-xe",
        };

    public static string Shared(string relativePath) => Path.Combine(TestData.SharedData!, relativePath);
}
