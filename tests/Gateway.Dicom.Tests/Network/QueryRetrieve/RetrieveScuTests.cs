using System.Globalization;
using Gateway.Dicom.Network;

namespace Gateway.Dicom.Tests.Network.QueryRetrieve;

/// <summary>
/// DCMTK movescu and getscu against our folder archive: C-MOVE to a DCMTK storescp (a third node) and to movescu
/// itself, C-GET with getscu's role selection, C-CANCEL of a C-MOVE and an unknown move destination. What arrives
/// is compared with the original files by pydicom (qr_oracle.py), never by our own reader.
/// </summary>
[Collection(QueryRetrieveCollection.Name)]
public class RetrieveScuTests(QueryRetrieveFixture fixture)
{
    private const string StudyRoot = "-S";
    private const string PatientRoot = "-P";

    private static readonly string[] UncompressedSyntaxes = [DicomTransferSyntax.ImplicitVRLittleEndian.Uid, DicomTransferSyntax.ExplicitVRLittleEndian.Uid];

    private static int _destinations;

    private List<OracleInstance> Study(string folderPart)
    {
        var study = fixture.Instances.First(instance => instance.File.Contains(folderPart, StringComparison.Ordinal)).StudyInstanceUID;
        return fixture.Instances.Where(instance => instance.StudyInstanceUID == study).ToList();
    }

    [Theory]
    [InlineData("mr-t1-sag-mprage")]
    [InlineData("dcm_qa_ts-MR-9-transfer-syntaxes")]
    public void Move_to_a_storescp_delivers_every_instance_of_the_study_with_its_pixel_data(string folderPart)
    {
        var study = Study(folderPart);
        var (destination, folder, storescp) = StartStorescp();
        using (storescp)
        {
            var result = DcmtkScu.Move(fixture.Archive, StudyRoot, destination, ["QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + study[0].StudyInstanceUID]);

            result.AssertFinalStatus(0x0000);
            Assert.Equal(study.Count - 1, result.PendingResponses);
        }

        // storescp accepts every syntax (+xa): each instance arrives in the syntax it was stored in, bytes unchanged.
        var arrivals = QrOracle.Arrivals(study.Select(instance => instance.File), folder);
        Assert.Equal(study.Count, Directory.GetFiles(folder).Length);
        Assert.All(arrivals, arrival =>
        {
            Assert.True(arrival.Arrived, arrival.SOPInstanceUID);
            Assert.True(arrival.PixelsEqual, arrival.SOPInstanceUID);
            Assert.True(arrival.PixelDataIdentical || !arrival.SameTransferSyntax, arrival.SOPInstanceUID);
        });
    }

    [Fact]
    public void Move_to_movescu_itself_delivers_the_instances_of_a_patient()
    {
        var patient = fixture.Instances.First(instance => instance.File.Contains("ct-axial", StringComparison.Ordinal)).PatientID;
        var expected = fixture.Instances.Where(instance => instance.PatientID == patient).ToList();
        var port = DcmtkPeer.FreePort();
        var aeTitle = "MOVESELF" + Interlocked.Increment(ref _destinations).ToString(CultureInfo.InvariantCulture);
        fixture.Archive.AddDestination(new DicomPeer(aeTitle, "127.0.0.1", port));
        var folder = fixture.Archive.NewFolder("moveself");

        var result = DcmtkScu.Move(fixture.Archive, PatientRoot, aeTitle, ["QueryRetrieveLevel=PATIENT", "PatientID=" + patient],
            "-aet", aeTitle, "--port", port.ToString(CultureInfo.InvariantCulture), "-od", folder);

        result.AssertFinalStatus(0x0000);
        Assert.Equal(2, expected.Count);
        var arrivals = QrOracle.Arrivals(expected.Select(instance => instance.File), folder);
        Assert.All(arrivals, arrival => Assert.True(arrival.Arrived && arrival.PixelDataIdentical, arrival.SOPInstanceUID));
    }

    [Fact]
    public void Get_with_role_selection_retrieves_the_study_over_the_same_association_in_a_syntax_getscu_accepts()
    {
        var study = Study("dcm_qa_ts-MR-9-transfer-syntaxes");
        var folder = fixture.Archive.NewFolder("get");

        var result = DcmtkScu.Get(fixture.Archive, StudyRoot, folder, ["QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + study[0].StudyInstanceUID]);

        // getscu proposes only uncompressed syntaxes for storage: the compressed instances arrive decompressed.
        result.AssertFinalStatus(0x0000);
        var arrivals = QrOracle.Arrivals(study.Select(instance => instance.File), folder);
        Assert.Equal(9, arrivals.Count);
        Assert.All(arrivals, arrival =>
        {
            Assert.True(arrival.Arrived && arrival.PixelsEqual, arrival.SOPInstanceUID);
            Assert.Contains(arrival.TransferSyntax, UncompressedSyntaxes);
        });
    }

    [Fact]
    public void Get_at_series_level_retrieves_every_instance_of_the_series()
    {
        var series = Study("mr-t1-sag-mprage");
        var folder = fixture.Archive.NewFolder("get-series");

        var result = DcmtkScu.Get(fixture.Archive, StudyRoot, folder,
            ["QueryRetrieveLevel=SERIES", "StudyInstanceUID=" + series[0].StudyInstanceUID, "SeriesInstanceUID=" + series[0].SeriesInstanceUID]);

        result.AssertFinalStatus(0x0000);
        var arrivals = QrOracle.Arrivals(series.Select(instance => instance.File), folder);
        Assert.Equal(192, arrivals.Count(arrival => arrival.Arrived && arrival.PixelDataIdentical));
    }

    [Fact]
    public void Cancel_of_a_move_stops_the_sub_operations_and_ends_with_status_cancel()
    {
        var study = Study("mr-t1-sag-mprage");
        var (destination, folder, storescp) = StartStorescp();
        using (storescp)
        {
            var result = DcmtkScu.Move(fixture.Archive, StudyRoot, destination, ["QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + study[0].StudyInstanceUID], "--cancel", "3");

            result.AssertFinalStatus(0xFE00);
        }

        var arrived = Directory.GetFiles(folder).Length;
        Assert.InRange(arrived, 3, study.Count - 1);
    }

    [Fact]
    public void Move_to_an_unknown_destination_is_refused_with_A801()
    {
        var study = Study("mr-t1-sag-mprage");
        var result = DcmtkScu.Move(fixture.Archive, StudyRoot, "NOBODY", ["QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + study[0].StudyInstanceUID]);

        result.AssertFinalStatus(0xA801);
        Assert.Equal(0, result.PendingResponses);
    }

    /// <summary>A storescp accepting every transfer syntax, registered with our server as a move destination.</summary>
    private (string AETitle, string Folder, DcmtkPeer Process) StartStorescp()
    {
        var port = DcmtkPeer.FreePort();
        var aeTitle = "STORESCP" + Interlocked.Increment(ref _destinations).ToString(CultureInfo.InvariantCulture);
        var folder = fixture.Archive.NewFolder("storescp");
        var process = DcmtkPeer.StartServer("storescp", ["-aet", aeTitle, "+xa", "-od", folder, port.ToString(CultureInfo.InvariantCulture)], port);
        fixture.Archive.AddDestination(new DicomPeer(aeTitle, "127.0.0.1", port));
        return (aeTitle, folder, process);
    }
}
