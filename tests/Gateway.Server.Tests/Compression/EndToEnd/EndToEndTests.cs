using System.Diagnostics;
using System.Globalization;
using Gateway.Server.Tests.DicomWeb.Retrieve;
using Gateway.Server.Tests.Reconstruction;

namespace Gateway.Server.Tests.Compression.EndToEnd;

/// <summary>
/// The issue's end-to-end criterion with the real f=16 model: 8 eval MR slices, the 4 eval CT slices and
/// radiographs (CR RG3, the SIIM CR chest, and a mammogram the default policy stores lossless), half sent by
/// storescu and half by STOW-RS; after the queue drained, every latent is at most 1/15 of its original pixel bytes
/// and every instance retrieved by WADO-RS (some also by WADO-URI and getscu) parses in DCMTK without a problem,
/// has no dciodvfy error its input lacked, keeps its Study/Series/SOP Instance UIDs, and is either bit-exact
/// (lossless: the policy's or the gate's fallback) or a reconstruction with (0028,2110) "01", (0028,2112) and
/// (0028,2114) whose PSNR (pydicom + numpy, on the original's range) is at least the model card's PSNR of that
/// image minus 0.5 dB. The card lists its eval images one by one; for an image it does not list (the SIIM chest,
/// a training image) only a group mean exists, which half of a group's images fall below by its nature: the test
/// prints that comparison and does not assert it.
/// </summary>
public sealed class EndToEndTests(PostgresCluster cluster)
{
    private const double Tolerance = 0.5;

    /// <summary>The default policy's PSNR target (Gateway:Compression:DefaultMinPsnr).</summary>
    private const double GatePsnr = 30;

    [Fact]
    public async Task MR_CT_and_radiographs_sent_by_storescu_and_STOW_RS_come_back_DCMTK_clean_with_the_lossy_flags_their_UIDs_and_the_cards_PSNR()
    {
        var mr = EndToEndData.Mr8();
        var ct = EndToEndData.Ct4();
        var (rg3, siim, mammogram) = (EndToEndData.Rg3(), EndToEndData.SiimChest(), EndToEndData.Mammogram());
        var bySend = new[] { mr[0], mr[2], mr[4], mr[6], ct[0], ct[1], rg3 };
        var byStow = new[] { mr[1], mr[3], mr[5], mr[7], ct[2], ct[3], siim, mammogram };
        var images = bySend.Concat(byStow).ToList();
        var cancellationToken = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper;
        var folder = Directory.CreateTempSubdirectory("end-to-end-").FullName;
        var clock = Stopwatch.StartNew();
        try
        {
            await using var gateway = await CompressionGateway.StartAsync(cluster);
            Storescu(gateway, "-xe", bySend.Where(image => image != rg3));
            Storescu(gateway, "-xv", [rg3]); // JPEG 2000 lossless, stored as it is
            await gateway.StowAsync([.. byStow.Select(image => image.Path)]);
            var stored = clock.Elapsed;

            Assert.Equal(3 * images.Count, await gateway.DrainAsync());
            var drained = clock.Elapsed;
            Assert.Equal(0, await gateway.ScalarAsync("select count(*) from jobs where state <> 'done'"));

            // Every instance by WADO-RS; one of each kind of outcome also by WADO-URI and by getscu (C-GET).
            var retrievals = new List<(EndToEndImage Image, string Path, string Via)>();
            foreach (var image in images)
            {
                var (_, parts) = await MultipartResponse.GetPartsAsync(gateway.Gateway.Http, TestInstance.Of(image.Path).InstancePath, "multipart/related; type=\"application/dicom\"");
                var path = Path.Combine(folder, image.Name + ".wado-rs.dcm");
                await File.WriteAllBytesAsync(path, Assert.Single(parts).Body, cancellationToken);
                retrievals.Add((image, path, "WADO-RS"));
            }

            foreach (var image in new[] { mr[2], ct[0], rg3, mr[7] })
            {
                retrievals.Add((image, Keep(await RetrieveClients.WadoUriAsync(gateway.Gateway, TestInstance.Of(image.Path)), folder), "WADO-URI"));
                retrievals.Add((image, Keep(RetrieveClients.GetScu(gateway.Gateway, TestInstance.Of(image.Path)), folder), "C-GET"));
            }

            var retrieved = clock.Elapsed;
            var comparisons = RetrievedOracle.Compare(retrievals.Select(retrieval => (retrieval.Image.Path, retrieval.Path)));
            var failures = new List<string>();
            var inputErrors = images.ToDictionary(image => image.Path, image => ReconstructionOracle.DciodvfyErrors(image.Path));
            output?.WriteLine("image | group | via | outcome | stored bytes | pixel bytes | ratio | PSNR (oracle) | card image | card group | verdict");
            for (var i = 0; i < retrievals.Count; i++)
            {
                var (image, path, via) = retrievals[i];
                var comparison = comparisons[i];
                var sop = TestInstance.Of(image.Path).Sop;
                var (state, compression, recordedPsnr, objects) = await gateway.InstanceAsync(sop);
                // No header object (the header is in the index); a lossless or j2k-lossy one may have the AI latent
                // beside it (KeepLatent).
                var served = Assert.Single(objects, o => o.Kind is not "ai-latent");
                Assert.DoesNotContain(objects, o => o.Kind == "header");
                var cardImage = EndToEndData.CardPsnrOfImage(image);
                var cardGroup = EndToEndData.CardPsnrOfGroup(image.Group);
                var verdict = Judge(image, via, compression, served.Kind, served.Size, comparison, cardImage, cardGroup, failures);
                output?.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{image.Name[..Math.Min(24, image.Name.Length)]} | {image.Group} | {via} | {compression} ({state}) | {served.Size} | {comparison.PixelBytes} | {(double)comparison.PixelBytes / served.Size:F1} | {(comparison.Exact ? "exact" : comparison.Psnr.ToString("F2", CultureInfo.InvariantCulture))} | {cardImage?.ToString("F2", CultureInfo.InvariantCulture) ?? "-"} | {cardGroup:F2} | {verdict}"));
                if (recordedPsnr is { } gatePsnr && Math.Abs(gatePsnr - comparison.Psnr) >= 0.01)
                {
                    failures.Add($"{image.Name} {via}: served PSNR {comparison.Psnr:F3} dB, the gate recorded {gatePsnr:F3} dB");
                }

                failures.AddRange(ReconstructionOracle.NewProblems(path, inputErrors[image.Path]).Select(problem => $"{image.Name} {via}: {problem}"));
            }

            var outcomes = await OutcomesAsync(gateway, images);
            output?.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"times: store {stored.TotalSeconds:F1} s, compress (drain) {(drained - stored).TotalSeconds:F1} s, retrieve {(retrieved - drained).TotalSeconds:F1} s, checks {(clock.Elapsed - retrieved).TotalSeconds:F1} s"));
            output?.WriteLine("outcomes: " + string.Join(", ", outcomes.GroupBy(outcome => outcome.Value).Select(group => $"{group.Key} {group.Count()}")));
            Assert.True(failures.Count == 0, string.Join('\n', failures));

            // Not vacuous: each modality is stored lossy (the smallest of latent, latent+residual and j2k-lossy that
            // meets 30 dB: for CT that is often j2k-lossy), the MR slices have latents, the MR slice whose latent
            // misses the gate (0188) is stored in another lossy representation, the mammogram went lossless by policy.
            foreach (var family in new[] { "mr-", "ct-", "xray-" })
            {
                Assert.Contains(images.Where(image => image.Group.StartsWith(family, StringComparison.Ordinal)), image => outcomes[image.Name] is "latent" or "latent+residual" or "j2k-lossy");
            }

            Assert.Contains(mr, image => outcomes[image.Name] == "latent");

            Assert.True(outcomes[mr[7].Name] is "latent+residual" or "j2k-lossy", $"0188 is stored as {outcomes[mr[7].Name]}");

            Assert.Equal("lossless", outcomes[mammogram.Name]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Checks one retrieval; adds what fails to <paramref name="failures"/> and returns a word for the table.</summary>
    private static string Judge(
        EndToEndImage image, string via, string? compression, string kind, long storedBytes, RetrievedComparison comparison, double? cardImage, double cardGroup, List<string> failures)
    {
        var name = $"{image.Name} {via}";
        if (!(comparison.SameStudy && comparison.SameSeries && comparison.SameSop))
        {
            failures.Add($"{name}: the Study/Series/SOP Instance UIDs differ from the original's");
        }

        if (!comparison.SameShape)
        {
            failures.Add($"{name}: another pixel shape than the original's");
            return "FAIL shape";
        }

        if (compression is not ("latent" or "latent+residual" or "j2k-lossy"))
        {
            if (kind != "lossless" || !comparison.Exact)
            {
                failures.Add($"{name}: stored {compression} ({kind}) but not retrieved bit-exact");
                return "FAIL not exact";
            }

            return "exact";
        }

        if (comparison.Lossy != "01" || comparison.Ratio.Length == 0 || comparison.Method.Length == 0)
        {
            failures.Add($"{name}: lossy flags (0028,2110) '{comparison.Lossy}', (0028,2112) [{string.Join('\\', comparison.Ratio)}], (0028,2114) [{string.Join('\\', comparison.Method)}]");
        }

        if (compression != "latent")
        {
            // latent+residual and j2k-lossy were chosen because the latent alone missed the gate: the gate is the bar.
            if (comparison.Psnr < GatePsnr)
            {
                failures.Add($"{name}: {compression} PSNR {comparison.Psnr:F2} dB is below the gate's {GatePsnr} dB");
                return "FAIL below gate";
            }

            return "ok (gate)";
        }

        if (storedBytes * 15 > comparison.PixelBytes)
        {
            failures.Add($"{name}: latent of {storedBytes} bytes is more than 1/15 of {comparison.PixelBytes} pixel bytes");
        }

        if (cardImage is { } card)
        {
            if (comparison.Psnr < card - Tolerance)
            {
                failures.Add($"{name}: PSNR {comparison.Psnr:F2} dB is below the card's {card:F2} dB for this image minus {Tolerance}");
                return "FAIL below card";
            }

            return comparison.Psnr < cardGroup - Tolerance ? "ok (image card); below group mean - 0.5" : "ok";
        }

        return comparison.Psnr < cardGroup - Tolerance ? "NOT IN CARD; below group mean - 0.5 (reported, not asserted)" : "not in card; >= group mean - 0.5";
    }

    private static async Task<Dictionary<string, string>> OutcomesAsync(CompressionGateway gateway, IEnumerable<EndToEndImage> images)
    {
        var outcomes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var image in images)
        {
            outcomes[image.Name] = (await gateway.InstanceAsync(TestInstance.Of(image.Path).Sop)).Compression ?? "none";
        }

        return outcomes;
    }

    /// <summary>storescu over one association, proposing <paramref name="option"/>'s transfer syntax first (-xe explicit little endian, -xv JPEG 2000 lossless).</summary>
    private static void Storescu(CompressionGateway gateway, string option, IEnumerable<EndToEndImage> images)
    {
        var (exitCode, output, error) = ExternalTool.Run(
            "storescu", [option, "-aec", GatewayInstance.AETitle, "127.0.0.1", gateway.Gateway.DicomPort.ToString(CultureInfo.InvariantCulture), .. images.Select(image => image.Path)], "dcmtk");
        Assert.True(exitCode == 0, $"storescu failed:\n{output}\n{error}");
    }

    /// <summary>Moves a file a shared retrieve helper wrote to a temporary place into <paramref name="folder"/> (removed at the end).</summary>
    private static string Keep(string path, string folder) => RetrieveClients.Keep(path, Path.Combine(folder, Guid.NewGuid().ToString("N") + ".dcm"));
}
