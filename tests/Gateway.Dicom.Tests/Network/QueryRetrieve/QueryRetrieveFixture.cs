using System.Globalization;
using Gateway.Dicom.Network;

namespace Gateway.Dicom.Tests.Network.QueryRetrieve;

[CollectionDefinition(Name)]
public sealed class QueryRetrieveCollection : ICollectionFixture<QueryRetrieveFixture>
{
    public const string Name = "Query/retrieve against DCMTK";
}

/// <summary>
/// Two archives served by our server for the query/retrieve tests, set up once:
/// <list type="bullet">
/// <item>QRSCP: the 20 CT slices (10 patients, 20 studies) and the 192-slice MR series of ../shared/data/volumes,
/// one MR slice in 9 transfer syntaxes (one study, one series) and a few files with other character sets and
/// compressed syntaxes, stored over the network with our client; <see cref="Instances"/> is what pydicom reads
/// from those files, for the tests' expectations.</item>
/// <item>QRBIG: one series of <see cref="BigSeriesSize"/> synthetic instances without pixel data written to the
/// folder before the archive starts (so indexed at start-up), for cancelling a C-FIND. Each holds an Image Comments
/// of <see cref="BigCommentLength"/> characters: requested as a return key it makes the responses together larger
/// than the socket buffers of both sides, so the server cannot finish before findscu has read two responses and
/// sent its C-CANCEL, however the two processes are scheduled.</item>
/// </list>
/// </summary>
public sealed class QueryRetrieveFixture : IAsyncLifetime
{
    public const int BigSeriesSize = 2000;
    public const int BigCommentLength = 8000;
    public const string BigStudyUid = "2.25.1000000000000000000000000001";
    public const string BigSeriesUid = "2.25.1000000000000000000000000002";

    private static readonly string[] ConformanceFiles =
    [
        "fo-dicom/charset/chrFren.dcm",
        "fo-dicom/charset/chrGerm.dcm",
        "fo-dicom/charset/chrX1.dcm",
        "fo-dicom/charset/chrRuss.dcm",
        "nema-wg04-compression-samples/CT1_J2KR.dcm",
        "nema-wg04-compression-samples/NM1_JPLL.dcm",
        "cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm",
    ];

    private readonly string _root = Directory.CreateTempSubdirectory("gateway-qr-").FullName;
    private ArchiveNode? _archive;
    private ArchiveNode? _big;
    private IReadOnlyList<OracleInstance>? _instances;

    internal ArchiveNode Archive => Available(_archive);

    internal ArchiveNode Big => Available(_big);

    /// <summary>What pydicom read from each stored file.</summary>
    internal IReadOnlyList<OracleInstance> Instances => Available(_instances);

    public async ValueTask InitializeAsync()
    {
        var bigFolder = Directory.CreateDirectory(Path.Combine(_root, "big")).FullName;
        WriteBigSeries(bigFolder);
        _big = new ArchiveNode("QRBIG", bigFolder, Directory.CreateDirectory(Path.Combine(_root, "big-scratch")).FullName);

        if (TestData.SharedData is not { } data)
        {
            return;
        }

        var files = Directory.GetFiles(Path.Combine(data, "volumes", "ct-axial-slices__TCIA-COVID-19-NY-SBU"), "*.dcm")
            .Concat(Directory.GetFiles(Path.Combine(data, "volumes", "mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon"), "*.dcm"))
            .Concat(Directory.GetFiles(Path.Combine(data, "dicom-conformance", "dcm_qa_ts-MR-9-transfer-syntaxes"), "*.dcm"))
            .Concat(ConformanceFiles.Select(file => Path.Combine(data, "dicom-conformance", file)))
            .Order(StringComparer.Ordinal)
            .ToList();
        _archive = new ArchiveNode("QRSCP", Path.Combine(_root, "archive"), Directory.CreateDirectory(Path.Combine(_root, "scratch")).FullName);
        var client = new DicomClient("127.0.0.1", _archive.Port, _archive.AETitle, new DicomClientOptions { CallingAE = "LOADER" });
        var failed = (await client.StoreAsync(files, TestContext.Current.CancellationToken)).Where(outcome => !outcome.Succeeded).ToList();
        if (failed.Count > 0)
        {
            throw new InvalidOperationException("Could not load the test archive: " + string.Join("; ", failed.Select(outcome => $"{outcome.Path}: {outcome.Status?.ToString() ?? outcome.Error}")));
        }

        _instances = QrOracle.Headers(files);
    }

    public async ValueTask DisposeAsync()
    {
        if (_archive is not null)
        {
            await _archive.DisposeAsync();
        }

        if (_big is not null)
        {
            await _big.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    private static T Available<T>(T? value)
        where T : class
    {
        if (value is null)
        {
            TestData.RequireSharedData();
        }

        return value ?? throw new InvalidOperationException("The query/retrieve fixture did not initialise.");
    }

    private static void WriteBigSeries(string folder)
    {
        var comment = new string('c', BigCommentLength);
        for (var i = 1; i <= BigSeriesSize; i++)
        {
            var dataset = new DicomDataset();
            dataset.SetString(DicomTags.SOPClassUID, DicomVR.UI, DicomUids.SecondaryCaptureImageStorage);
            dataset.SetString(DicomTags.SOPInstanceUID, DicomVR.UI, "2.25.2" + i.ToString("D6", CultureInfo.InvariantCulture));
            dataset.SetString(DicomTags.StudyInstanceUID, DicomVR.UI, BigStudyUid);
            dataset.SetString(DicomTags.SeriesInstanceUID, DicomVR.UI, BigSeriesUid);
            dataset.SetString(DicomTags.PatientID, DicomVR.LO, "BIG");
            dataset.SetString(DicomTags.PatientName, DicomVR.PN, "BIG^SERIES");
            dataset.SetString(DicomTags.Modality, DicomVR.CS, "OT");
            dataset.SetString(DicomTags.InstanceNumber, DicomVR.IS, i.ToString(CultureInfo.InvariantCulture));
            dataset.SetString(DicomTags.ImageComments, DicomVR.LT, comment);
            new DicomFile(dataset, DicomTransferSyntax.ExplicitVRLittleEndian).Save(Path.Combine(folder, $"{i}.dcm"));
        }
    }
}
