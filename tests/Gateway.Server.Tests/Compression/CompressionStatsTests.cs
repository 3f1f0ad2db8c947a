using System.Globalization;
using System.Text.Json;

namespace Gateway.Server.Tests.Compression;

/// <summary>/api/stats and /metrics after compress jobs ran: per storage kind, per model, per outcome, and the PSNR distribution.</summary>
public sealed class CompressionStatsTests(PostgresCluster cluster)
{
    [Fact]
    public async Task Stats_report_bytes_per_kind_and_model_outcomes_and_the_PSNR_distribution_and_metrics_count_outcomes()
    {
        var mr = TestData.RequireSharedData("dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes");
        var ct = TestData.RequireSharedData("dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes");
        string[] files = [Path.Combine(mr, "1.dcm"), Path.Combine(mr, "2.dcm"), Path.Combine(mr, "3.dcm"), Path.Combine(ct, "CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm")];
        await using var gateway = await CompressionGateway.StartAsync(cluster, new Dictionary<string, string?> { ["Compression:Rules:0:Action"] = "Lossless" });
        var uids = await gateway.StowAsync(files);
        await gateway.DrainAsync();

        // Three of the four become latents of a test model with known PSNRs (the real engine is not needed to count).
        double[] psnrs = [28.0, 37.5, 46.0];
        await gateway.ScalarAsync("insert into models (id, sha256, factor, channels) values ('test-model', 'abc', 16, 1) returning 0");
        for (var i = 1; i < 4; i++)
        {
            await gateway.ScalarAsync(
                """
                with i as (update instances set compression = 'latent', psnr = @psnr where sop_instance_uid = @uid returning id)
                update objects set kind = 'latent', codec = 'medvae-latent/1', model_id = 'test-model' where instance_fk = (select id from i) returning 0
                """,
                ("psnr", psnrs[i - 1]),
                ("uid", uids[i]));
        }

        var sizes = new List<long>();
        foreach (var uid in uids)
        {
            sizes.Add(new FileInfo(gateway.Probe.ObjectPath((await gateway.InstanceAsync(uid)).Objects.Single().Key)).Length);
        }

        using var stats = JsonDocument.Parse(await gateway.Gateway.Http.GetStringAsync(new Uri("api/stats", UriKind.Relative), TestContext.Current.CancellationToken));
        var root = stats.RootElement;
        var pixelBytes = files.Select(PixelBytes).ToList();
        var model = root.GetProperty("byModel").GetProperty("test-model");
        Assert.Equal(3, model.GetProperty("instances").GetInt64());
        Assert.Equal(pixelBytes.Skip(1).Sum(), model.GetProperty("originalBytes").GetInt64());
        Assert.Equal(sizes.Skip(1).Sum(), model.GetProperty("storedBytes").GetInt64());
        var lossless = root.GetProperty("byStorageKind").GetProperty("lossless");
        Assert.Equal((1L, pixelBytes[0], sizes[0]), (lossless.GetProperty("instances").GetInt64(), lossless.GetProperty("originalBytes").GetInt64(), lossless.GetProperty("storedBytes").GetInt64()));
        Assert.Equal(sizes.Sum(), root.GetProperty("storedBytes").GetInt64());
        Assert.Equal(3, root.GetProperty("compression").GetProperty("latent").GetInt64());
        Assert.Equal(1, root.GetProperty("compression").GetProperty("lossless").GetInt64());
        var psnr = root.GetProperty("psnr");
        Assert.Equal((3L, 28.0, 37.5), (psnr.GetProperty("count").GetInt64(), psnr.GetProperty("min").GetDouble(), psnr.GetProperty("median").GetDouble()));
        var buckets = psnr.GetProperty("buckets").EnumerateArray().ToDictionary(bucket => bucket.GetProperty("label").GetString()!, bucket => bucket.GetProperty("count").GetInt64());
        Assert.Equal(new Dictionary<string, long> { ["<30"] = 1, ["30-35"] = 0, ["35-40"] = 1, ["40-45"] = 0, [">=45"] = 1 }, buckets);

        var metrics = await gateway.Gateway.Http.GetStringAsync(new Uri("metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Contains("gateway_compress_instances_total{outcome=\"lossless\",reason=\"policy\"} 4\n", metrics, StringComparison.Ordinal);
        Assert.Contains("gateway_latent_psnr_instances{bucket=\">=45\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains($"gateway_model_bytes{{model=\"test-model\",bytes=\"stored\"}} {sizes.Skip(1).Sum().ToString(CultureInfo.InvariantCulture)}\n", metrics, StringComparison.Ordinal);
    }

    /// <summary>Rows × Columns × Bits Allocated / 8 (single-frame, single-sample), as pydicom reads them.</summary>
    private static long PixelBytes(string path) =>
        long.Parse(
            ExternalTool.Run(ExternalTool.DebianPython, ["-c", "import sys, pydicom; d = pydicom.dcmread(sys.argv[1], stop_before_pixels=True); print(d.Rows * d.Columns * d.BitsAllocated // 8 * d.SamplesPerPixel * int(d.get('NumberOfFrames', 1)))", path], "python3-pydicom").Output.Trim(),
            CultureInfo.InvariantCulture);
}
