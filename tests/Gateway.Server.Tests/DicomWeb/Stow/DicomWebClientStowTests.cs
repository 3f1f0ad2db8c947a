using Gateway.Dicom;

namespace Gateway.Server.Tests.DicomWeb.Stow;

/// <summary>STOW-RS from the npm dicomweb-client (a real client's multipart form and response parsing), then the archive checked byte for byte.</summary>
public sealed class DicomWebClientStowTests(PostgresCluster cluster)
{
    [Fact]
    public async Task The_npm_dicomweb_client_stores_conformance_files_and_reads_a_response_naming_each_of_them()
    {
        var files = Directory.GetFiles(TestData.RequireSharedData("dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes"), "*.dcm").Order(StringComparer.Ordinal).ToList();
        var script = Path.Combine(TestData.RepositoryRoot, "tests", "interop", "dicomweb-client", "stow.js");
        Assert.True(
            Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "dicomweb-client")),
            "npm dicomweb-client is not installed: run scripts/install-deps.sh (npm install in tests/interop/dicomweb-client; apt nodejs npm).");
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        var study = DicomFile.Open(files[0]).Dataset.GetString(DicomTags.StudyInstanceUID)!;

        var output = await Task.Run(() => ExternalTool.RunChecked("node", [script, $"{gateway.BaseAddress}dicomweb", "--study", study, .. files], "nodejs"), TestContext.Current.CancellationToken);

        // The client hands back the response body it parsed; every instance is named in it with a retrieve URL.
        var probe = new ArchiveProbe(gateway.ConnectionString, gateway.DataDirectory);
        foreach (var file in files)
        {
            var uid = DicomFile.Open(file).Dataset.GetString(DicomTags.SOPInstanceUID)!;
            Assert.Contains(uid, output, StringComparison.Ordinal);
            await probe.AssertStoredBitExactAsync(uid, file);
        }

        Assert.Contains($"{gateway.BaseAddress}dicomweb/studies/{study}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("00081198", output, StringComparison.Ordinal);
    }
}
