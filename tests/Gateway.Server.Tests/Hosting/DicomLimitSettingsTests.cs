using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Server.Tests.Hosting;

/// <summary>Issue 13 point 4 at the gateway: its DICOM listener takes the per-address limit and the ARTIM timeout from the settings.</summary>
public sealed class DicomLimitSettingsTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Point04_the_gateway_applies_DicomMaxAssociationsPerAddress_and_closes_a_silent_connection_after_DicomAssociationRequestTimeoutSeconds()
    {
        await using var gateway = await GatewayInstance.StartAsync(cluster, new Dictionary<string, string?>
        {
            ["DicomMaxAssociationsPerAddress"] = "1",
            ["DicomAssociationRequestTimeoutSeconds"] = "6",
        });
        var port = gateway.DicomPort.ToString(CultureInfo.InvariantCulture);
        using var silent = new TcpClient();
        await silent.ConnectAsync(IPAddress.Loopback, gateway.DicomPort, TestContext.Current.CancellationToken);
        var clock = Stopwatch.StartNew();

        // The silent connection is the one 127.0.0.1 may hold: echoscu from the same address is refused, saying why
        // (the request timeout leaves echoscu 6 s to start: a fresh-clone run on the loaded 2-core machine took longer than 2 s).
        var (refusedExit, refused, refusedError) = ExternalTool.Run("echoscu", ["-v", "-aec", GatewayInstance.AETitle, "127.0.0.1", port], "dcmtk");
        Assert.True(refusedExit != 0 && (refused + refusedError).Contains("Reason: Local Limit Exceeded", StringComparison.Ordinal), refused + refusedError);

        // ARTIM closes the silent connection; then the address may associate again.
        var buffer = new byte[16];
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await silent.GetStream().ReadAsync(buffer, wait.Token));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(20));
        var (exit, output, error) = ExternalTool.Run("echoscu", ["-v", "-aec", GatewayInstance.AETitle, "127.0.0.1", port], "dcmtk");
        Assert.True(exit == 0, output + error);
    }
}
