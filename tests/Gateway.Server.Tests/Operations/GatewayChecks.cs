using System.Globalization;
using System.Net;

namespace Gateway.Server.Tests.Operations;

/// <summary>What the operations tests ask a running gateway: /health/ready, and DCMTK's echoscu and storescu against its DICOM port.</summary>
internal static class GatewayChecks
{
    public const string CtFile = "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm";

    public static async Task<(HttpStatusCode Status, string Body)> ReadyAsync(GatewayInstance gateway)
    {
        using var response = await gateway.Http.GetAsync(new Uri("health/ready", UriKind.Relative), TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>echoscu: its exit code (0: the association was accepted and C-ECHO answered Success) and what it printed.</summary>
    public static (int ExitCode, string Output) Echo(GatewayInstance gateway)
    {
        var (exitCode, output, error) = ExternalTool.Run("echoscu", ["-aec", GatewayInstance.AETitle, "127.0.0.1", Port(gateway)], "dcmtk", timeout: TimeSpan.FromSeconds(30));
        return (exitCode, output + error);
    }

    /// <summary>storescu of one file: its exit code (0: stored, Success) and what it printed.</summary>
    public static (int ExitCode, string Output) Store(GatewayInstance gateway, string file)
    {
        var (exitCode, output, error) = ExternalTool.Run("storescu", ["-aec", GatewayInstance.AETitle, "127.0.0.1", Port(gateway), file], "dcmtk", timeout: TimeSpan.FromSeconds(60));
        return (exitCode, output + error);
    }

    /// <summary>A copy of <paramref name="source"/> with new Study, Series and SOP Instance UIDs (set by DCMTK's dcmodify).</summary>
    public static string CopyWithUids(string source, string folder, string study, string series, string sop)
    {
        var copy = Path.Combine(folder, sop + ".dcm");
        File.Copy(source, copy);
        ExternalTool.RunChecked("dcmodify", ["-nb", "-m", "StudyInstanceUID=" + study, "-m", "SeriesInstanceUID=" + series, "-m", "SOPInstanceUID=" + sop, copy], "dcmtk");
        return copy;
    }

    private static string Port(GatewayInstance gateway) => gateway.DicomPort.ToString(CultureInfo.InvariantCulture);
}
