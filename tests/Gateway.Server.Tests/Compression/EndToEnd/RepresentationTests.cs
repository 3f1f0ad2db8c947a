using System.Globalization;
using System.Net;
using System.Text.Json;
using Gateway.Server.Tests.DicomWeb.Retrieve;
using Gateway.Server.Tests.Reconstruction;

namespace Gateway.Server.Tests.Compression.EndToEnd;

/// <summary>
/// Issue 11's representations with the real f=16 model, one rule per calling AE title (storescu -aet): j2k-lossy at
/// 35 dB keeping the AI latent, latent+residual at 38 dB, latent+residual with a maximum error of 2, j2k-lossy at
/// 30 dB capped at 8:1, a target nothing lossy reaches (lossless fallback), and the default lossy set. After the
/// queue drained (retention 0: the originals are gone) every instance is retrieved by WADO-RS and judged by pydicom
/// and numpy against the file that was sent: the target is met, and where a rate was searched the PSNR is within
/// <see cref="Margin"/> dB of it (not wastefully high); the lossy flags carry the representation's method; j2k-lossy
/// comes back in 1.2.840.10008.1.2.4.91 when asked for it and decoded otherwise; /latent works for the j2k-lossy
/// instance; the cap holds; the fallback is bit-exact; the choice is the smallest qualifying candidate recorded;
/// WADO-URI and getscu (C-GET) give the same pixels and flags as WADO-RS.
/// </summary>
public sealed class RepresentationTests(PostgresCluster cluster)
{
    /// <summary>How far above the target a searched rate may land (the search stops within 2% of the bytes).</summary>
    private const double Margin = 0.75;

    private const string Mr = "volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon/";

    private static readonly Dictionary<string, string?> Rules = new()
    {
        ["Compression:Rules:0:CallingAETitles:0"] = "J2K",
        ["Compression:Rules:0:Representations:0"] = "J2kLossy",
        ["Compression:Rules:0:MinPsnr"] = "35",
        ["Compression:Rules:0:KeepLatent"] = "true",
        ["Compression:Rules:1:CallingAETitles:0"] = "RESIDUAL",
        ["Compression:Rules:1:Representations:0"] = "LatentResidual",
        ["Compression:Rules:1:MinPsnr"] = "38",
        ["Compression:Rules:2:CallingAETitles:0"] = "MAXERROR",
        ["Compression:Rules:2:Representations:0"] = "LatentResidual",
        ["Compression:Rules:2:MaxAbsError"] = "2",
        ["Compression:Rules:3:CallingAETitles:0"] = "CAPPED",
        ["Compression:Rules:3:Representations:0"] = "J2kLossy",
        ["Compression:Rules:3:MinPsnr"] = "30",
        ["Compression:Rules:3:MaxRatio"] = "8",
        ["Compression:Rules:4:CallingAETitles:0"] = "UNREACHABLE",
        ["Compression:Rules:4:Representations:0"] = "Latent",
        ["Compression:Rules:4:Representations:1"] = "J2kLossy",
        ["Compression:Rules:4:MinPsnr"] = "99",
        ["Compression:Rules:5:CallingAETitles:0"] = "DEFAULT",
        ["Compression:Rules:5:Action"] = "Latent",
    };

    [Fact]
    public async Task Each_representation_meets_its_rules_target_by_pydicom_within_a_small_margin_and_comes_back_with_its_lossy_flags()
    {
        var cases = new (string AE, string Slice)[]
        {
            ("J2K", "0096-1.3.12.2.1107.5.2.19.45152.2013030808105959806985847.dcm"),
            ("RESIDUAL", "0100-1.3.12.2.1107.5.2.19.45152.2013030808105947776285839.dcm"),
            ("MAXERROR", "0104-1.3.12.2.1107.5.2.19.45152.2013030808105916713985803.dcm"),
            ("CAPPED", "0110-1.3.12.2.1107.5.2.19.45152.2013030808105878350485763.dcm"),
            ("UNREACHABLE", "0120-1.3.12.2.1107.5.2.19.45152.2013030808105849271985739.dcm"),
            ("DEFAULT", "0098-1.3.12.2.1107.5.2.19.45152.2013030808105936142485825.dcm"),
        };
        var paths = cases.Select(c => TestData.RequireSharedData(Mr + c.Slice)).ToArray();
        var output = TestContext.Current.TestOutputHelper;
        var settings = new Dictionary<string, string?>(Rules);
        await using var gateway = await CompressionGateway.StartAsync(cluster, settings);
        gateway.RequireEngine();
        {
            for (var i = 0; i < cases.Length; i++)
            {
                Storescu(gateway, cases[i].AE, paths[i]);
            }

            await gateway.DrainAsync();
            var retrieved = new List<(string Original, string Retrieved)>();
            foreach (var path in paths)
            {
                retrieved.Add((path, (await RetrieveClients.WadoRsAsync(gateway.Gateway, TestInstance.Of(path))).Path));
            }

            var j2k = TestInstance.Of(paths[0]);
            var (nativeType, native) = await RetrieveClients.WadoRsAsync(gateway.Gateway, j2k, "1.2.840.10008.1.2.4.91");
            var (_, capped) = await RetrieveClients.WadoRsAsync(gateway.Gateway, TestInstance.Of(paths[3]), "1.2.840.10008.1.2.4.91");
            retrieved.Add((paths[0], native));
            retrieved.Add((paths[3], capped));

            // j2k-lossy, latent+residual (JPEG 2000 and JPEG-LS residuals) and the lossless fallback also by WADO-URI and getscu (C-GET).
            foreach (var i in new[] { 0, 1, 2, 4 })
            {
                retrieved.Add((paths[i], await RetrieveClients.WadoUriAsync(gateway.Gateway, TestInstance.Of(paths[i]))));
                retrieved.Add((paths[i], RetrieveClients.GetScu(gateway.Gateway, TestInstance.Of(paths[i]))));
            }
            var oracle = RetrievedOracle.Compare(retrieved);
            var records = new List<(string Compression, List<(string Kind, string Key, string Codec, long Size, string Sha256, string? Model)> Objects, JsonElement Candidates)>();
            for (var i = 0; i < cases.Length; i++)
            {
                var (state, compression, _, objects) = await gateway.InstanceAsync(TestInstance.Of(paths[i]).Sop);
                Assert.Equal("compressed", state);
                Assert.DoesNotContain(objects, o => o.Kind == "original");
                records.Add((compression!, objects, await CandidatesAsync(gateway, TestInstance.Of(paths[i]).Sop)));
                output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{cases[i].AE}: {compression}, objects {string.Join(", ", objects.Select(o => $"{o.Kind} {o.Size}"))}, PSNR {oracle[i].Psnr:F2} dB, max error {oracle[i].MaxAbsError}; candidates {records[i].Candidates}"));
                Assert.True(oracle[i].SameStudy && oracle[i].SameSeries && oracle[i].SameSop && oracle[i].SameShape, $"{cases[i].AE}: UIDs or shape differ");
            }

            // j2k-lossy at 35 dB, the AI latent beside it; decoded by default, native .91 when asked.
            Assert.Equal("j2k-lossy", records[0].Compression);
            Assert.Equal(["ai-latent", "j2k-lossy"], records[0].Objects.Select(o => o.Kind).Order(StringComparer.Ordinal));
            AssertSearched(oracle[0], 35, "J2K");
            AssertLossy(oracle[0], "ISO_15444_1");
            Assert.Equal("1.2.840.10008.1.2.1", oracle[0].TransferSyntax);
            Assert.Contains("1.2.840.10008.1.2.4.91", nativeType, StringComparison.Ordinal);
            Assert.Equal("1.2.840.10008.1.2.4.91", oracle[6].TransferSyntax);
            Assert.Equal(oracle[0].Psnr, oracle[6].Psnr, 6);
            using (var latent = await MultipartResponse.GetAsync(gateway.Gateway.Http, j2k.InstancePath + "/latent", null))
            {
                Assert.Equal(HttpStatusCode.OK, latent.StatusCode);
                Assert.Equal(EndToEndData.ModelId, Assert.Single(latent.Headers.GetValues("X-Latent-Model")));
                var npy = await latent.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
                Assert.Equal([0x93, .. "NUMPY"u8.ToArray()], npy[..6]);
            }

            // latent+residual at 38 dB: the JPEG 2000 residual's rate was searched; no header object beside it.
            Assert.Equal("latent+residual", records[1].Compression);
            Assert.Equal(["latent+residual"], records[1].Objects.Select(o => o.Kind));
            AssertSearched(oracle[1], 38, "RESIDUAL");
            AssertLossy(oracle[1], "MEDVAE");

            // latent+residual with a maximum error of 2: JPEG-LS NEAR=2 keeps every stored value within 2.
            Assert.Equal("latent+residual", records[2].Compression);
            Assert.InRange(oracle[2].MaxAbsError, 0, 2);
            Assert.True(oracle[2].MaxAbsError > 0, "near-lossless, not lossless");
            AssertLossy(oracle[2], "MEDVAE");

            // j2k-lossy at 30 dB under an 8:1 cap: the ratio stays at or below 8 (and close to it).
            Assert.Equal("j2k-lossy", records[3].Compression);
            var ratio = (double)oracle[7].PixelBytes / oracle[7].EncapsulatedBytes;
            Assert.True(ratio <= 8.0 && ratio > 6.5, $"capped ratio {ratio:F2}");
            Assert.True(oracle[3].Psnr >= 30, $"capped PSNR {oracle[3].Psnr:F2}");

            // Nothing lossy reaches 99 dB: lossless, bit-exact, the AI latent kept.
            Assert.Equal("lossless", records[4].Compression);
            Assert.True(oracle[4].Exact, "the lossless fallback is bit-exact");
            Assert.Equal(["ai-latent", "lossless"], records[4].Objects.Select(o => o.Kind).Order(StringComparer.Ordinal));

            // The default lossy set: the smallest qualifying candidate is the one stored, and it meets 30 dB.
            // [representation, bytes, extraBytes, psnr, ssim, maxAbsError, qualifies, note] (CandidatesJson)
            var candidates = records[5].Candidates.GetProperty("candidates").EnumerateArray().ToList();
            var smallest = candidates.Where(c => c[6].GetBoolean()).MinBy(c => c[1].GetInt64() + c[2].GetInt64());
            Assert.Equal(smallest[0].GetString(), records[5].Compression);
            Assert.NotEqual("lossless", records[5].Compression);
            Assert.True(oracle[5].Psnr >= 30, $"default PSNR {oracle[5].Psnr:F2}");
            Assert.Contains(candidates, c => c[0].GetString() == "latent" && !c[6].GetBoolean());

            // WADO-URI and C-GET give what WADO-RS gives: same UIDs, same pixels (PSNR and error), the lossy flags.
            for (var r = 8; r < oracle.Count; r++)
            {
                var first = oracle.First(o => o.Original == oracle[r].Original);
                Assert.True(oracle[r].SameSop && oracle[r].SameShape, $"{oracle[r].Retrieved}: UIDs or shape differ");
                Assert.Equal((first.Psnr, first.MaxAbsError, first.Lossy), (oracle[r].Psnr, oracle[r].MaxAbsError, oracle[r].Lossy));
            }

            // /api/stats per representation.
            using var stats = JsonDocument.Parse(await gateway.Gateway.Http.GetStringAsync(new Uri("api/stats", UriKind.Relative), TestContext.Current.CancellationToken));
            var byRepresentation = stats.RootElement.GetProperty("byRepresentation");
            foreach (var (representation, atLeast) in new[] { ("j2k-lossy", 2), ("latent+residual", 2) })
            {
                var instances = records.Count(r => r.Compression == representation);
                Assert.True(instances >= atLeast, $"{instances} {representation} instances");
                Assert.Equal(instances, byRepresentation.GetProperty(representation).GetProperty("instances").GetInt64());
            }
            Assert.Equal(records.Count(r => r.Objects.Any(o => o.Kind == "ai-latent")), stats.RootElement.GetProperty("byStorageKind").GetProperty("ai-latent").GetProperty("objects").GetInt64());
        }

    }

    private static void AssertSearched(RetrievedComparison comparison, double target, string name)
    {
        Assert.True(comparison.Psnr >= target, $"{name}: PSNR {comparison.Psnr:F2} dB below the target {target}");
        Assert.True(comparison.Psnr < target + Margin, $"{name}: PSNR {comparison.Psnr:F2} dB is more than {Margin} dB above the target {target}: the search stopped short");
    }

    private static void AssertLossy(RetrievedComparison comparison, string method)
    {
        Assert.Equal("01", comparison.Lossy);
        Assert.NotEmpty(comparison.Ratio);
        Assert.Equal(method, comparison.Method[^1]);
    }

    private static async Task<JsonElement> CandidatesAsync(CompressionGateway gateway, string sop)
    {
        await using var database = gateway.Gateway.OpenDatabase();
        await using var command = database.CreateCommand("select compression_candidates::text from instances where sop_instance_uid = @uid");
        command.Parameters.AddWithValue("uid", sop);
        var json = (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        return JsonDocument.Parse(json ?? "null").RootElement.Clone();
    }

    private static void Storescu(CompressionGateway gateway, string callingAE, string path)
    {
        var (exitCode, output, error) = ExternalTool.Run(
            "storescu", ["-aet", callingAE, "-aec", GatewayInstance.AETitle, "127.0.0.1", gateway.Gateway.DicomPort.ToString(CultureInfo.InvariantCulture), path], "dcmtk");
        Assert.True(exitCode == 0, $"storescu failed:\n{output}\n{error}");
    }
}
