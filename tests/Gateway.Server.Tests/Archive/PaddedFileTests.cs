using System.Globalization;
using System.Net;
using Gateway.Dicom;
using Gateway.Dicom.Network;
using Gateway.Server.Tests.Compression;
using Gateway.Server.Tests.Crash;

namespace Gateway.Server.Tests.Archive;

/// <summary>
/// Issue 13 point 3: a file with zero padding after its data set (real archives write them; DCMTK and pydicom read
/// them) is read by one parse rule everywhere: accepted by STOW-RS and C-STORE, stored without the padding (byte
/// compared with the file before it was padded), read by `gateway dicom dump` and `pixels` (values compared with
/// pydicom's) and compressed by the job.
/// </summary>
public sealed class PaddedFileTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Point03_zero_padded_file_is_accepted_by_STOW_and_stored_without_its_padding()
    {
        using var files = CorruptInstances.Write();
        await using var gateway = await GatewayInstance.StartAsync(cluster);

        using var response = await IngestValidationTests.StowAsync(gateway, files.PathOf(CorruptInstances.Padded));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new FileInfo(files.Original).Length + CorruptInstances.Padding, new FileInfo(files.PathOf(CorruptInstances.Padded)).Length);
        await new ArchiveProbe(gateway.ConnectionString, gateway.DataDirectory).AssertStoredBitExactAsync(files.UidOf(CorruptInstances.Padded), files.Original);
    }

    [Fact]
    public async Task Point03_zero_padded_data_set_is_accepted_by_C_STORE_and_stored_without_its_padding()
    {
        using var files = CorruptInstances.Write();
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        var padded = files.PathOf(CorruptInstances.Padded);
        var header = DicomFile.Open(files.Original, new DicomReadOptions { StopBeforePixelData = true });
        var uid = files.UidOf(CorruptInstances.Padded);

        var (status, comment) = await RawCStore.SendAsync(gateway.DicomPort, header.Dataset.GetString(DicomTags.SOPClassUID)!, uid, DicomTransferSyntax.ExplicitVRLittleEndian, CorruptInstances.DataSetOf(padded));

        Assert.True(status == DicomStatus.Success, $"C-STORE answered {status}: {comment}");
        var probe = new ArchiveProbe(gateway.ConnectionString, gateway.DataDirectory);
        await probe.AssertStoredDataSetIdenticalAsync(uid, files.Original);
    }

    /// <summary>
    /// DCMTK reads the padding as (0000,0000) elements and sends the first of them inside the data set (its own
    /// rewrite, so the padding itself never reaches the gateway this way): that data set is accepted too.
    /// </summary>
    [Fact]
    public async Task Point03_zero_padded_file_sent_by_DCMTK_storescu_is_accepted()
    {
        using var files = CorruptInstances.Write();
        await using var gateway = await GatewayInstance.StartAsync(cluster);

        var (exitCode, output, error) = ExternalTool.Run("storescu", ["-v", "-aec", GatewayInstance.AETitle, "127.0.0.1", gateway.DicomPort.ToString(CultureInfo.InvariantCulture), files.PathOf(CorruptInstances.Padded)], "dcmtk");

        var log = output + error;
        Assert.True(exitCode == 0 && log.Contains("Received Store Response (Success)", StringComparison.Ordinal), $"storescu:\n{log}");
        var found = await new ArchiveProbe(gateway.ConnectionString, gateway.DataDirectory).FindAsync(files.UidOf(CorruptInstances.Padded));
        Assert.Equal("stored", found?.State);
    }

    [Fact]
    public void Point03_zero_padded_file_is_read_by_gateway_dicom_dump_and_pixels_like_pydicom_reads_it()
    {
        using var files = CorruptInstances.Write();
        var padded = files.PathOf(CorruptInstances.Padded);
        var gatewayDll = GatewayProcess.GatewayDll();

        var dump = ExternalTool.Run("dotnet", [gatewayDll, "dicom", "dump", padded], "dotnet-sdk");
        Assert.True(dump.ExitCode == 0, $"dump failed: {dump.Error}");
        Assert.Contains("(7FE0,0010) OW", dump.Output, StringComparison.Ordinal);
        Assert.Contains($"Ignored {CorruptInstances.Padding} bytes of trailing zero padding", dump.Output, StringComparison.Ordinal);

        var ours = files.PathOf("ours.raw");
        var pixels = ExternalTool.Run("dotnet", [gatewayDll, "dicom", "pixels", padded, "--out", ours], "dotnet-sdk");
        Assert.True(pixels.ExitCode == 0, $"pixels failed: {pixels.Error}");
        var theirs = files.PathOf("pydicom.raw");
        ExternalTool.RunChecked(
            ExternalTool.DebianPython,
            ["-c", "import sys, pydicom; a = pydicom.dcmread(sys.argv[1]).pixel_array; open(sys.argv[2], 'wb').write(a.astype(a.dtype.newbyteorder('<')).tobytes())", padded, theirs],
            "python3-pydicom python3-numpy");
        Assert.Equal(new FileInfo(theirs).Length, new FileInfo(ours).Length);
        Assert.True(File.ReadAllBytes(theirs).AsSpan().SequenceEqual(File.ReadAllBytes(ours)), "gateway dicom pixels and pydicom read different values");
    }

    [Fact]
    public async Task Point03_zero_padded_file_is_compressed_by_the_job()
    {
        using var files = CorruptInstances.Write();
        await using var gateway = await CompressionGateway.StartAsync(cluster, new Dictionary<string, string?> { ["Compression:Rules:0:Action"] = "Lossless" });
        var uid = (await gateway.StowAsync(files.PathOf(CorruptInstances.Padded)))[0];

        await gateway.DrainAsync();

        var (state, compression, _, objects) = await gateway.InstanceAsync(uid);
        Assert.Equal(("compressed", "lossless"), (state, compression));
        Assert.Equal(DicomTransferSyntax.JpegLSLossless.Uid, Assert.Single(objects).Codec);
        Assert.Equal(1, await gateway.ScalarAsync("select done from job_totals where kind = 'compress'"));
    }
}
