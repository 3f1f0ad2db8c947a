using Gateway.Dicom.Network;

namespace Gateway.Dicom.Tests.Network;

public class SmokeTests
{
    [Fact]
    public async Task Echo_and_store_between_our_client_and_our_server()
    {
        var received = new List<byte[]>();
        await using var server = new DicomServer(new DicomServerOptions { Port = 0, AETitle = "SMOKE" }, _ => new SmokeProvider(received));
        server.Start();
        var client = new DicomClient("127.0.0.1", server.Port, "SMOKE", new DicomClientOptions { CallingAE = "TESTER" });
        Assert.Equal(DicomStatus.Success, await client.EchoAsync(TestContext.Current.CancellationToken));

        var file = TestData.RequireSharedData("dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm");
        var outcomes = await client.StoreAsync([file], TestContext.Current.CancellationToken);
        Assert.True(outcomes[0].Succeeded, outcomes[0].Error ?? outcomes[0].Status.ToString());
        Assert.Single(received);
    }

    [Fact]
    public async Task Dcmtk_echoscu_gets_success()
    {
        await using var server = new DicomServer(new DicomServerOptions { Port = 0, AETitle = "SMOKE" }, _ => new SmokeProvider([]));
        server.Start();
        var (exitCode, output, error) = await Task.Run(() => ExternalTool.Run("echoscu", ["-v", "-aec", "SMOKE", "127.0.0.1", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)], "dcmtk"), TestContext.Current.CancellationToken);
        Assert.True(exitCode == 0, output + error);
    }
}
