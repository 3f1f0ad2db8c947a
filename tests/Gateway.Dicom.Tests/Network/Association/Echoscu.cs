using System.Globalization;

namespace Gateway.Dicom.Tests.Network;

/// <summary>DCMTK echoscu against a port: its exit code and log.</summary>
internal static class Echoscu
{
    public static Task<(int ExitCode, string Output)> RunAsync(int port, string calledAE, string callingAE = "ECHOSCU", params string[] extra) =>
        PeerProcess.RunAsync("echoscu", ["-v", "-aet", callingAE, "-aec", calledAE, .. extra, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)], "dcmtk");

    public static async Task AssertSucceedsAsync(int port, string calledAE, string callingAE = "ECHOSCU")
    {
        var (exitCode, output) = await RunAsync(port, calledAE, callingAE);
        Assert.True(exitCode == 0 && output.Contains("Received Echo Response (Success)", StringComparison.Ordinal), output);
    }
}
