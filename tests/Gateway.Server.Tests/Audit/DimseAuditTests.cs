using System.Globalization;
using Gateway.Server.Tests.DicomWeb.Retrieve;

namespace Gateway.Server.Tests.Audit;

/// <summary>Issue 16 point 5 over DIMSE, driven by DCMTK: C-STORE leaves one row per instance, C-FIND, C-GET and C-MOVE one per request, each naming the calling AE and its address.</summary>
public sealed class DimseAuditTests(PostgresCluster cluster)
{
    private const string MrSeries = "volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon";

    [Fact]
    public async Task Store_find_get_and_move_each_leave_their_rows_with_the_calling_AE_title()
    {
        var mr = Directory.GetFiles(TestData.RequireSharedData(MrSeries), "*.dcm").Order(StringComparer.Ordinal).Take(2).Select(TestInstance.Of).ToArray();
        var movePort = PeerProcess.FreeLoopbackPort();
        await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?> { ["Peers:0"] = $"MOVEDEST=127.0.0.1:{movePort}", ["RestrictCallingAETitles"] = "false" });
        var port = gateway.DicomPort.ToString(CultureInfo.InvariantCulture);
        var study = mr[0].Study;
        var folder = Directory.CreateTempSubdirectory("audit-dimse-").FullName;
        try
        {
            ExternalTool.RunChecked("storescu", ["-aet", "MODALITY", "-aec", GatewayInstance.AETitle, "127.0.0.1", port, .. mr.Select(instance => instance.Path)], "dcmtk");
            ExternalTool.RunChecked("findscu", ["-S", "-aet", "FINDER", "-aec", GatewayInstance.AETitle, "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study, "-k", "PatientName", "127.0.0.1", port], "dcmtk");
            ExternalTool.RunChecked("getscu", ["-S", "-aet", "GETTER", "-aec", GatewayInstance.AETitle, "-od", folder, "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study, "127.0.0.1", port], "dcmtk");
            ExternalTool.RunChecked(
                "movescu",
                ["-S", "-aet", "MOVEDEST", "-aem", "MOVEDEST", "-aec", GatewayInstance.AETitle, "--port", movePort.ToString(CultureInfo.InvariantCulture), "-od", folder, "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study, "127.0.0.1", port],
                "dcmtk");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        var rows = await AuditRows.WaitAsync(gateway, rows => rows.Count >= 5);
        Assert.True(rows.Count == 5, HttpAuditTests.Describe(rows));
        Assert.All(rows, row => Assert.Equal(("ae", "127.0.0.1", 0, study), (row.ActorKind, row.Address!, row.Outcome, row.Study!)));

        var stores = rows.Where(row => row.Action == "store").ToList();
        Assert.Equal(mr.Select(instance => (instance.Series, instance.Sop)).Order(), stores.Select(row => (row.Series!, row.Sop!)).Order());
        Assert.All(stores, row => Assert.Equal("MODALITY", row.ActorId));

        var query = Assert.Single(rows, row => row.Action == "query");
        Assert.Equal("FINDER", query.ActorId);
        Assert.Contains("level STUDY", query.Detail, StringComparison.Ordinal);
        Assert.Contains("(0010,0010)", query.Detail, StringComparison.Ordinal);
        Assert.EndsWith("1 matches", query.Detail, StringComparison.Ordinal);

        var retrieves = rows.Where(row => row.Action == "retrieve").OrderBy(row => row.Id).ToList();
        Assert.Equal(2, retrieves.Count);
        Assert.Equal(("GETTER", "C-GET; level STUDY; 2 instances"), (retrieves[0].ActorId!, retrieves[0].Detail!));
        Assert.Equal(("MOVEDEST", "C-MOVE to MOVEDEST; level STUDY; 2 instances"), (retrieves[1].ActorId!, retrieves[1].Detail!));
    }
}
