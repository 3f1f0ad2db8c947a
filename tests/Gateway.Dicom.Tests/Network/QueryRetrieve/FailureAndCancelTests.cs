using System.Globalization;

namespace Gateway.Dicom.Tests.Network.QueryRetrieve;

/// <summary>
/// Requests our archive cannot answer get a failure status (PS3.4 C.4.1.1.4, C.4.2.1.5) within DCMTK's DIMSE
/// timeout rather than a hang, and the association serves the next request; a C-CANCEL stops a C-FIND.
/// </summary>
[Collection(QueryRetrieveCollection.Name)]
public class FailureAndCancelTests(QueryRetrieveFixture fixture)
{
    private const ushort UnableToProcess = 0xC001;
    private const ushort IdentifierDoesNotMatchSopClass = 0xA900;

    public static TheoryData<string[], ushort> MalformedIdentifiers => new()
    {
        { ["StudyDate=2020", "StudyInstanceUID"], IdentifierDoesNotMatchSopClass },
        { ["QueryRetrieveLevel=FOO", "StudyInstanceUID"], UnableToProcess },
        { ["QueryRetrieveLevel=PATIENT", "PatientID"], UnableToProcess },
        { ["QueryRetrieveLevel=SERIES", "SeriesInstanceUID"], UnableToProcess },
        { ["QueryRetrieveLevel=STUDY", "StudyDate=2020XX01-"], UnableToProcess },
        { ["QueryRetrieveLevel=STUDY", "StudyDate=20201231-20200101"], UnableToProcess },
        { ["QueryRetrieveLevel=STUDY", "ProcedureCodeSequence[0].CodeValue=P1", "ProcedureCodeSequence[1].CodeValue=P2"], UnableToProcess },
    };

    [Theory]
    [MemberData(nameof(MalformedIdentifiers))]
    public void A_find_with_a_malformed_identifier_gets_a_failure_status(string[] keys, ushort expected)
    {
        // --repeat 2 sends the same request twice on one association: the second is answered too.
        var result = DcmtkScu.Find(fixture.Big, "-S", keys, "--repeat", "2");

        result.AssertFinalStatus(expected);
        Assert.Equal(2, CountOf(result.Log, "Received Final Find Response"));
        Assert.Equal(0, result.PendingResponses);
    }

    [Fact]
    public void A_move_without_the_unique_key_of_its_level_gets_a_failure_status()
    {
        fixture.Big.AddDestination(new Gateway.Dicom.Network.DicomPeer("ANYONE", "127.0.0.1", DcmtkPeer.FreePort()));
        var result = DcmtkScu.Move(fixture.Big, "-S", "ANYONE", ["QueryRetrieveLevel=SERIES", "StudyInstanceUID=" + QueryRetrieveFixture.BigStudyUid]);
        result.AssertFinalStatus(UnableToProcess);
    }

    [Fact]
    public void Instances_in_the_folder_at_start_up_are_indexed()
    {
        var result = DcmtkScu.Find(fixture.Big, "-S",
            ["QueryRetrieveLevel=SERIES", "StudyInstanceUID=" + QueryRetrieveFixture.BigStudyUid, "SeriesInstanceUID", "NumberOfSeriesRelatedInstances"]);

        var series = Assert.Single(result.Responses);
        Assert.Equal(QueryRetrieveFixture.BigSeriesUid, series["SeriesInstanceUID"]);
        Assert.Equal(QueryRetrieveFixture.BigSeriesSize.ToString(CultureInfo.InvariantCulture), series["NumberOfSeriesRelatedInstances"]);
    }

    [Fact]
    public void Cancel_of_a_find_ends_it_with_status_cancel_before_all_matches_are_sent()
    {
        // Image Comments makes the responses too large to all fit in the sockets' buffers (see the fixture).
        var result = DcmtkScu.Find(fixture.Big, "-S",
        [
            "QueryRetrieveLevel=IMAGE", "StudyInstanceUID=" + QueryRetrieveFixture.BigStudyUid,
            "SeriesInstanceUID=" + QueryRetrieveFixture.BigSeriesUid, "SOPInstanceUID", "ImageComments",
        ], "--cancel", "2");

        result.AssertFinalStatus(0xFE00);
        Assert.InRange(result.PendingResponses, 2, QueryRetrieveFixture.BigSeriesSize - 1);
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var index = text.IndexOf(value, StringComparison.Ordinal); index >= 0; index = text.IndexOf(value, index + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
