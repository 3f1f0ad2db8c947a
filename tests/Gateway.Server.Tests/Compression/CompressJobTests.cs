using Gateway.Dicom;

namespace Gateway.Server.Tests.Compression;

/// <summary>
/// The compress job in a gateway on a real PostgreSQL, with the lossless and keep-original policies: what it
/// stores (checked by DCMTK and pydicom), when the original goes, and that running it again changes nothing.
/// </summary>
public sealed class CompressJobTests(PostgresCluster cluster)
{
    private const string CtFolder = "dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes";
    private const string NativeCt = "CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm";
    private const string MrFolder = "dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes";

    /// <summary>Compares the stored values of two files with pydicom (GDCM decodes compressed ones): prints "equal" or why not.</summary>
    private const string PixelsEqualScript =
        """
        import sys, numpy, pydicom
        a = pydicom.dcmread(sys.argv[1]); b = pydicom.dcmread(sys.argv[2])
        x = a.pixel_array; y = b.pixel_array
        if x.shape != y.shape or x.dtype != y.dtype: print("shape", x.shape, y.shape, x.dtype, y.dtype); sys.exit(0)
        d = numpy.count_nonzero(x != y)
        print("equal" if d == 0 else "%d samples differ" % d)
        """;

    private static Dictionary<string, string?> Rule(string action) => new() { ["Compression:Rules:0:Action"] = action };

    [Fact]
    public async Task Ingest_enqueues_a_compress_job_beside_the_verify_job_when_compression_is_on_and_none_when_off()
    {
        var file = Path.Combine(TestData.RequireSharedData(CtFolder), NativeCt);
        await using (var on = await CompressionGateway.StartAsync(cluster))
        {
            await on.StowAsync(file);
            Assert.Equal(1, await on.ScalarAsync("select count(*) from jobs where kind = 'compress' and state = 'queued'"));
            Assert.Equal(1, await on.ScalarAsync("select count(*) from jobs where kind = 'verify' and state = 'queued'"));
        }

        await using var off = await CompressionGateway.StartAsync(cluster, new Dictionary<string, string?> { ["Compression:Enabled"] = "false" });
        await off.StowAsync(file);
        Assert.Equal(0, await off.ScalarAsync("select count(*) from jobs where kind = 'compress'"));
        Assert.Equal(1, await off.ScalarAsync("select count(*) from jobs where kind = 'verify'"));
    }

    [Fact]
    public async Task The_lossless_policy_stores_JPEG_LS_whose_pixels_DCMTK_and_pydicom_find_equal_to_the_original_and_deletes_the_original_after_zero_retention()
    {
        var file = Path.Combine(TestData.RequireSharedData(CtFolder), NativeCt);
        await using var gateway = await CompressionGateway.StartAsync(cluster, Rule("Lossless"));
        var uid = (await gateway.StowAsync(file))[0];
        var originalKey = (await gateway.InstanceAsync(uid)).Objects.Single().Key;

        Assert.Equal(3, await gateway.DrainAsync());

        var (state, compression, psnr, objects) = await gateway.InstanceAsync(uid);
        Assert.Equal(("compressed", "lossless", (double?)null), (state, compression, psnr));
        var lossless = Assert.Single(objects);
        Assert.Equal(("lossless", DicomTransferSyntax.JpegLSLossless.Uid, (string?)null), (lossless.Kind, lossless.Codec, lossless.Model));
        var files = gateway.Probe.ObjectFiles();
        Assert.DoesNotContain(files, path => Path.GetFileName(path) == originalKey);
        var stored = Assert.Single(files);
        Assert.Equal(lossless.Sha256, ArchiveProbe.Sha256Of(stored));
        Assert.True(lossless.Size < new FileInfo(file).Length, "the lossless copy is smaller than the native original");

        // Independent oracles: DCMTK decompresses the stored JPEG-LS; pydicom compares its pixels with the original's.
        var meta = ExternalTool.Run("dcmdump", ["-M", "-Un", "+P", "0002,0010", stored], "dcmtk").Output;
        Assert.Contains(DicomTransferSyntax.JpegLSLossless.Uid, meta, StringComparison.Ordinal);
        var decompressed = Path.Combine(gateway.Gateway.DataDirectory, "dcmdjpls-out.dcm");
        var (exit, _, error) = ExternalTool.Run("dcmdjpls", [stored, decompressed], "dcmtk");
        Assert.True(exit == 0, error);
        Assert.Equal("equal", PixelsEqual(file, decompressed));
        Assert.Equal("equal", PixelsEqual(file, stored));
    }

    [Fact]
    public async Task The_keep_original_policy_leaves_the_original_and_records_the_decision()
    {
        var file = Path.Combine(TestData.RequireSharedData(CtFolder), NativeCt);
        await using var gateway = await CompressionGateway.StartAsync(cluster, Rule("KeepOriginal"));
        var uid = (await gateway.StowAsync(file))[0];

        Assert.Equal(2, await gateway.DrainAsync());

        var (state, compression, _, objects) = await gateway.InstanceAsync(uid);
        Assert.Equal(("stored", "kept"), (state, compression));
        Assert.Equal("original", Assert.Single(objects).Kind);
        await gateway.Probe.AssertStoredBitExactAsync(uid, file);
        Assert.Equal(0, await gateway.ScalarAsync("select count(*) from jobs where kind = 'retire-original'"));
    }

    [Fact]
    public async Task A_compress_job_run_again_after_it_finished_changes_nothing()
    {
        var folder = TestData.RequireSharedData(MrFolder);
        var file = Path.Combine(folder, "1.dcm");
        await using var gateway = await CompressionGateway.StartAsync(cluster, Rule("Lossless"));
        var uid = (await gateway.StowAsync(file))[0];
        Assert.Equal(3, await gateway.DrainAsync());
        var first = await gateway.InstanceAsync(uid);
        var filesBefore = gateway.Probe.ObjectFiles().Order().ToList();

        // At-least-once delivery: the same compress job again, and a retire job again.
        var id = await gateway.ScalarAsync("select id from instances where sop_instance_uid = @uid", ("uid", uid));
        await gateway.ScalarAsync("insert into jobs (kind, instance_fk) values ('compress', @id), ('retire-original', @id) returning 0", ("id", id));
        Assert.Equal(2, await gateway.DrainAsync());

        var second = await gateway.InstanceAsync(uid);
        Assert.Equal((first.State, first.Compression), (second.State, second.Compression));
        Assert.Equal(first.Objects, second.Objects);
        Assert.Equal(filesBefore, gateway.Probe.ObjectFiles().Order().ToList());
        Assert.Equal(0, await gateway.ScalarAsync("select count(*) from jobs where state <> 'done'"));
        Assert.Equal("equal", PixelsEqual(file, Assert.Single(filesBefore)));
    }

    [Fact]
    public async Task A_corrupted_original_fails_the_compress_job_and_is_never_replaced()
    {
        var file = Path.Combine(TestData.RequireSharedData(CtFolder), NativeCt);
        await using var gateway = await CompressionGateway.StartAsync(cluster, Rule("Lossless"));
        var uid = (await gateway.StowAsync(file))[0];
        var key = (await gateway.InstanceAsync(uid)).Objects.Single().Key;
        var path = gateway.Probe.ObjectPath(key);
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        bytes[^10] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);

        await gateway.DrainAsync();

        var (state, compression, _, objects) = await gateway.InstanceAsync(uid);
        Assert.Equal(("stored", (string?)null), (state, compression));
        Assert.Equal("original", Assert.Single(objects).Kind);
        Assert.Equal(1, await gateway.ScalarAsync("select count(*) from jobs where kind = 'compress' and state = 'failed' and last_error like '%corrupt%'"));
        Assert.Single(gateway.Probe.ObjectFiles());
    }

    private static string PixelsEqual(string expected, string actual) =>
        ExternalTool.Run(ExternalTool.DebianPython, ["-c", PixelsEqualScript, expected, actual], "python3-pydicom python3-gdcm python3-numpy").Output.Trim();
}
