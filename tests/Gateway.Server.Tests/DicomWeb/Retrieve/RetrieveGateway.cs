using System.Globalization;
using Gateway.Core.Archive;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests.DicomWeb.Retrieve;

/// <summary>
/// One gateway for the retrieve tests, fed once by DCMTK storescu: the MR slice in 9 transfer syntaxes
/// (dcm_qa_ts), a 10-frame JPEG-LS MR, a JPEG baseline CT, the 44-slice 640x640 MR series; and through
/// IngestService a MONOCHROME1 CR without File Meta Information (which storescu does not send).
/// </summary>
public sealed class RetrieveGateway(PostgresCluster cluster) : IAsyncLifetime
{
    public const string TransferSyntaxFolder = "dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes";
    public const string MultiFrameJpegLs = "dicom-conformance/pydicom-data/emri_small_jpeg_ls_lossless.dcm";
    public const string JpegBaselineCt = "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_JPEGProcess1TransferSyntax_1.2.840.10008.1.2.4.50.dcm";
    public const string MrSeriesFolder = "volumes/mr-640x640__Seg3DData-example_dicom";
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
        var files = Directory.GetFiles(Shared(TransferSyntaxFolder), "*.dcm")
            .Append(Shared(MultiFrameJpegLs))
            .Append(Shared(JpegBaselineCt))
            .Concat(Directory.GetFiles(Shared(MrSeriesFolder), "*.dcm"));
        ExternalTool.RunChecked("storescu", ["-aec", GatewayInstance.AETitle, "127.0.0.1", port, .. files], "dcmtk");

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

    public static string Shared(string relativePath) => Path.Combine(TestData.SharedData!, relativePath);
}
