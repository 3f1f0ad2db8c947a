using System.Globalization;

namespace Gateway.Dicom.Tests.Network;

/// <summary>`gateway dicom echo` and `gateway dicom store` against DCMTK's storescp and our own server.</summary>
public sealed class GatewayStoreToolTests
{
    [Fact]
    public async Task Gateway_dicom_store_sends_a_folder_and_files_to_storescp_and_reports_each_file()
    {
        var ctFolder = TestData.RequireSharedData(InteropFiles.CtSlices);
        var mrFiles = Directory.GetFiles(TestData.RequireSharedData("dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes"), "*.dcm").Order(StringComparer.Ordinal).ToList();
        var expected = Directory.GetFiles(ctFolder).Concat(mrFiles).ToList();
        using var storescp = await StorescpPeer.StartAsync("STORESCP", "+xa");

        var (exitCode, output) = await GatewayTool.RunAsync(
            ["dicom", "store", "127.0.0.1", Port(storescp.Port), ctFolder, .. mrFiles, "--aet", "GWTOOL", "--aec", storescp.AETitle]);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"{expected.Count} of {expected.Count} files stored.", output, StringComparison.Ordinal);
        Assert.All(expected, path => Assert.Contains($"stored {path}: Success", output, StringComparison.Ordinal));
        var received = storescp.ReceivedFiles();
        Assert.Equal(expected.Count, received.Count);
        var pairs = expected.Select(path => (path, received[Part10Bytes.Read(path).SopInstanceUid])).ToList();
        var differences = StoreOracles.DataSetDifferences(pairs);
        Assert.True(differences.Count == 0, string.Join('\n', differences));
    }

    [Fact]
    public async Task Gateway_dicom_echo_gets_success_from_storescp()
    {
        using var storescp = await StorescpPeer.StartAsync("STORESCP");

        var (exitCode, output) = await GatewayTool.RunAsync("dicom", "echo", "127.0.0.1", Port(storescp.Port), "--aec", storescp.AETitle);

        Assert.True(exitCode == 0, output);
        Assert.Contains("Success", output, StringComparison.Ordinal);
        Assert.Contains("Received Echo Request", storescp.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_dicom_store_exits_1_naming_the_rejection_when_the_called_AE_title_is_wrong()
    {
        var file = InteropFiles.Mr()[0];
        await using var server = ArchiveServer.Start("RIGHT-AE");

        var (exitCode, output) = await GatewayTool.RunAsync("dicom", "store", "127.0.0.1", Port(server.Port), file.Path, "--aec", "WRONG-AE");

        Assert.Equal(1, exitCode);
        Assert.Contains("called AE title not recognized", output, StringComparison.Ordinal);
        Assert.Empty(server.StoredFiles());
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
