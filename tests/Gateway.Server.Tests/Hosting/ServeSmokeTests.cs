using System.Globalization;
using Gateway.Dicom;

namespace Gateway.Server.Tests.Hosting;

/// <summary>The gateway host as `gateway serve` builds it: health endpoints and C-STORE into the archive.</summary>
public sealed class ServeSmokeTests(PostgresCluster cluster)
{
    [Fact]
    public async Task A_started_gateway_is_live_and_ready_and_indexes_what_storescu_sends()
    {
        var file = TestData.RequireSharedData("dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm");
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        var cancellationToken = TestContext.Current.CancellationToken;
        Assert.True((await gateway.Http.GetAsync(new Uri("health/live", UriKind.Relative), cancellationToken)).IsSuccessStatusCode);
        Assert.True((await gateway.Http.GetAsync(new Uri("health/ready", UriKind.Relative), cancellationToken)).IsSuccessStatusCode);

        var port = gateway.DicomPort.ToString(CultureInfo.InvariantCulture);
        ExternalTool.RunChecked("echoscu", ["-aec", GatewayInstance.AETitle, "127.0.0.1", port], "dcmtk");
        ExternalTool.RunChecked("storescu", ["-aec", GatewayInstance.AETitle, "127.0.0.1", port, file], "dcmtk");

        await using var database = gateway.OpenDatabase();
        await using var command = database.CreateCommand("select count(*) from instances where state = 'stored' and sop_instance_uid = @uid");
        command.Parameters.AddWithValue("uid", DicomFile.Open(file).Dataset.GetString(DicomTags.SOPInstanceUID)!);
        Assert.Equal(1L, (long)(await command.ExecuteScalarAsync(cancellationToken))!);
    }
}
