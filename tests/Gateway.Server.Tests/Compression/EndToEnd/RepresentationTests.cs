using System.Globalization;
using System.Net;
using System.Text.Json;
using Gateway.Server.Tests.DicomWeb.Retrieve;
using Gateway.Server.Tests.Headers;
using Gateway.Server.Tests.Reconstruction;

namespace Gateway.Server.Tests.Compression.EndToEnd;

/// <summary>
/// Issue 11's representations with the real f=16 model, one rule per calling AE title: j2k-lossy at 35 dB keeping the
/// AI latent, latent+residual at 38 dB, latent+residual with a maximum error of 2, j2k-lossy at 30 dB capped at 8:1,
/// a target nothing lossy reaches (lossless fallback), and the default lossy set. Each rule gets two MPRAGE slices:
/// one sent by storescu with the rule's AE title as calling AE (-aet), one by STOW-RS carrying it as the Source
/// Application Entity Title (0002,0016) of its file meta information, which the gateway takes as the calling AE of
/// a STOW-RS part (HTTP has no AE title; a rule by SOP class or size cannot tell slices of one series apart, and a
/// second gateway would double the start-up). After the queue drained (retention 0: the originals are gone) every
/// instance comes back by WADO-RS, WADO-URI and getscu (C-GET), a j2k-lossy one also natively in
/// 1.2.840.10008.1.2.4.91, and pydicom, numpy, dcmdump and dciodvfy judge each file against the one that was sent:
/// the same UIDs and pixels on every path; the lossy flags of its representation (Lossy Image Compression 01, the
/// ratio of the original pixel bytes to the stored ones, the method ISO_15444_1 or MEDVAE), none when lossless;
/// dcmdump clean; no dciodvfy error the sent file lacks; every header element as sent; the PSNR and maximum error
/// the index recorded are what numpy finds. Per rule: the target is met, and where a rate was searched the PSNR is
/// within <see cref="Margin"/> dB of it (not wastefully high); the max-error rule's values are within 2 everywhere;
/// the cap holds; the fallback is bit-exact; the default stores the smallest qualifying candidate; /latent works for
/// j2k-lossy; /api/stats counts the representations.
/// </summary>
public sealed class RepresentationTests(PostgresCluster cluster)
{
    /// <summary>How far above the target a searched rate may land (the search stops within 2% of the bytes).</summary>
    private const double Margin = 0.75;

    /// <summary>How far the recorded PSNR may be from pydicom's (dB): both measure the same stored values.</summary>
    private const double RecordedPsnrTolerance = 0.01;

    /// <summary>How far (relative) the Lossy Image Compression Ratio may be from the oracle's (3 decimals, codestream padding).</summary>
    private const double RatioTolerance = 0.002;

    private const string Native91 = "1.2.840.10008.1.2.4.91";

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

    /// <summary>Each rule's AE title, the slice storescu sends with it and the neighbouring slice STOW-RS sends with it.</summary>
    private static readonly (string AE, string ByStorescu, string ByStow)[] Cases =
    [
        ("J2K", "0096-1.3.12.2.1107.5.2.19.45152.2013030808105959806985847.dcm", "0097-1.3.12.2.1107.5.2.19.45152.2013030808105963142885849.dcm"),
        ("RESIDUAL", "0100-1.3.12.2.1107.5.2.19.45152.2013030808105947776285839.dcm", "0101-1.3.12.2.1107.5.2.19.45152.2013030808105927004985815.dcm"),
        ("MAXERROR", "0104-1.3.12.2.1107.5.2.19.45152.2013030808105916713985803.dcm", "0105-1.3.12.2.1107.5.2.19.45152.2013030808105919622985805.dcm"),
        ("CAPPED", "0110-1.3.12.2.1107.5.2.19.45152.2013030808105878350485763.dcm", "0111-1.3.12.2.1107.5.2.19.45152.2013030808105886647385771.dcm"),
        ("UNREACHABLE", "0120-1.3.12.2.1107.5.2.19.45152.2013030808105849271985739.dcm", "0121-1.3.12.2.1107.5.2.19.45152.2013030808105840050885721.dcm"),
        ("DEFAULT", "0098-1.3.12.2.1107.5.2.19.45152.2013030808105936142485825.dcm", "0099-1.3.12.2.1107.5.2.19.45152.2013030808105943925185831.dcm"),
    ];

    /// <summary>The retrieval paths; a j2k-lossy instance also comes by <see cref="WadoRsNative"/>.</summary>
    private static readonly string[] Paths = ["WADO-RS", "WADO-URI", "C-GET"];

    private const string WadoRsNative = "WADO-RS .91";

    [Fact]
    public async Task Each_representation_sent_by_storescu_and_STOW_RS_meets_its_target_and_comes_back_by_WADO_RS_WADO_URI_and_getscu_with_its_UIDs_flags_recorded_quality_and_header()
    {
        var folder = Directory.CreateTempSubdirectory("representations-").FullName;
        try
        {
            var sent = SentFiles(folder);
            var output = TestContext.Current.TestOutputHelper;
            await using var gateway = await CompressionGateway.StartAsync(cluster, Rules);
            gateway.RequireEngine();
            for (var i = 0; i < Cases.Length; i++)
            {
                Storescu(gateway, Cases[i].AE, sent[i]);
            }

            await gateway.StowAsync([.. sent.Skip(Cases.Length)]);
            await gateway.DrainAsync();
            var stored = new List<StoredRepresentation>();
            foreach (var path in sent)
            {
                stored.Add(await StoredRepresentation.ReadAsync(gateway, TestInstance.Of(path).Sop));
            }

            var retrievals = await RetrieveAsync(gateway, sent, stored, folder);
            var seen = RetrievedOracle.Compare(retrievals.Select(r => (sent[r.Instance], r.Path)));
            RetrievedComparison Seen(int instance, string via) => seen[retrievals.FindIndex(r => r.Instance == instance && r.Via == via)];

            // Every instance on every path: UIDs, pixels, flags, recorded quality, DCMTK and dicom3tools.
            var failures = new List<string>();
            var sentErrors = sent.Select(ReconstructionOracle.DciodvfyErrors).ToList();
            for (var r = 0; r < retrievals.Count; r++)
            {
                var (i, via, path) = retrievals[r];
                var name = $"{Name(i)} ({stored[i].Compression}) by {via}";
                var wadoRs = Seen(i, "WADO-RS");
                if (!(seen[r].SameStudy && seen[r].SameSeries && seen[r].SameSop && seen[r].SameShape))
                {
                    failures.Add($"{name}: UIDs or shape differ from the sent file's");
                }

                if ((seen[r].Psnr, seen[r].MaxAbsError) != (wadoRs.Psnr, wadoRs.MaxAbsError))
                {
                    failures.Add($"{name}: PSNR {seen[r].Psnr:F3} dB, max error {seen[r].MaxAbsError}; by WADO-RS {wadoRs.Psnr:F3} dB, {wadoRs.MaxAbsError}");
                }

                var codestream = stored[i].Compression == "j2k-lossy" ? Seen(i, WadoRsNative).CodestreamBytes : 0;
                failures.AddRange(FlagProblems(seen[r], stored[i], codestream).Select(problem => $"{name}: {problem}"));
                failures.AddRange(ReconstructionOracle.NewProblems(path, sentErrors[i]).Select(problem => $"{name}: {problem}"));
            }

            for (var i = 0; i < sent.Count; i++)
            {
                var wadoRs = Seen(i, "WADO-RS");
                output?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Name(i)}: {stored[i].Compression}, objects {string.Join(", ", stored[i].Objects.Select(o => $"{o.Kind} {o.Size}"))}, PSNR {wadoRs.Psnr:F3} dB (recorded {stored[i].Psnr:F3}), max error {wadoRs.MaxAbsError} (recorded {stored[i].MaxAbsError}), ratio {string.Join('\\', wadoRs.Ratio)}"));
                failures.AddRange(RecordedQualityProblems(wadoRs, stored[i]).Select(problem => $"{Name(i)}: {problem}"));
                if (stored[i].State != "compressed" || stored[i].Objects.Any(o => o.Kind == "original"))
                {
                    failures.Add($"{Name(i)}: {stored[i].State}, objects {string.Join(", ", stored[i].Kinds)}: the original should be compressed and gone");
                }
            }

            Assert.True(failures.Count == 0, string.Join('\n', failures));

            // Every header element as sent, after the originals were deleted (pydicom).
            foreach (var via in Paths)
            {
                HeaderStoreGateway.AssertSameElements(Path.Combine(folder, "sent"), Path.Combine(folder, Folder(via)), sent.Count);
            }

            var natives = Directory.CreateDirectory(Path.Combine(folder, "sent-j2k")).FullName;
            foreach (var i in retrievals.Where(r => r.Via == WadoRsNative).Select(r => r.Instance))
            {
                File.Copy(sent[i], Path.Combine(natives, Path.GetFileName(sent[i])));
            }

            HeaderStoreGateway.AssertSameElements(natives, Path.Combine(folder, Folder(WadoRsNative)), Directory.GetFiles(natives).Length);
            for (var c = 0; c < Cases.Length; c++)
            {
                foreach (var i in new[] { c, c + Cases.Length })
                {
                    await AssertRuleAsync(gateway, Cases[c].AE, Name(i), stored[i], via => Seen(i, via), TestInstance.Of(sent[i]));
                }
            }

            // /api/stats per representation.
            using var stats = JsonDocument.Parse(await gateway.Gateway.Http.GetStringAsync(new Uri("api/stats", UriKind.Relative), TestContext.Current.CancellationToken));
            var byRepresentation = stats.RootElement.GetProperty("byRepresentation");
            foreach (var (representation, atLeast) in new[] { ("j2k-lossy", 4), ("latent+residual", 4) })
            {
                var instances = stored.Count(s => s.Compression == representation);
                Assert.True(instances >= atLeast, $"{instances} {representation} instances");
                Assert.Equal(instances, byRepresentation.GetProperty(representation).GetProperty("instances").GetInt64());
            }

            Assert.Equal(stored.Count(s => s.Objects.Any(o => o.Kind == "ai-latent")), stats.RootElement.GetProperty("byStorageKind").GetProperty("ai-latent").GetProperty("objects").GetInt64());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>What each rule promises of its instance, judged on the WADO-RS file (the paths' agreement is checked above).</summary>
    private static async Task AssertRuleAsync(CompressionGateway gateway, string rule, string name, StoredRepresentation stored, Func<string, RetrievedComparison> seen, TestInstance instance)
    {
        var wadoRs = seen("WADO-RS");
        switch (rule)
        {
            case "J2K":
                // j2k-lossy at 35 dB, the AI latent beside it; decoded by default, native .91 when asked, /latent served.
                Assert.Equal("j2k-lossy", stored.Compression);
                Assert.Equal(["ai-latent", "j2k-lossy"], stored.Kinds);
                AssertSearched(wadoRs, 35, name);
                Assert.Equal("1.2.840.10008.1.2.1", wadoRs.TransferSyntax);
                Assert.Equal(Native91, seen(WadoRsNative).TransferSyntax);
                await AssertLatentServedAsync(gateway, instance);
                break;
            case "RESIDUAL":
                // latent+residual at 38 dB: the JPEG 2000 residual's rate was searched; no header object beside it.
                Assert.Equal("latent+residual", stored.Compression);
                Assert.Equal(["latent+residual"], stored.Kinds);
                AssertSearched(wadoRs, 38, name);
                break;
            case "MAXERROR":
                // latent+residual with a maximum error of 2: JPEG-LS NEAR=2 keeps every stored value within 2 (on every path: checked above).
                Assert.Equal("latent+residual", stored.Compression);
                Assert.InRange(wadoRs.MaxAbsError, 1, 2);
                break;
            case "CAPPED":
                // j2k-lossy at 30 dB under an 8:1 cap: the ratio (item headers counted) stays at or below 8, and close to it.
                Assert.Equal("j2k-lossy", stored.Compression);
                var native = seen(WadoRsNative);
                var ratio = (double)native.PixelBytes / native.EncapsulatedBytes;
                Assert.True(ratio is <= 8.0 and > 6.5, $"{name}: capped ratio {ratio:F2}");
                Assert.True(wadoRs.Psnr >= 30, $"{name}: capped PSNR {wadoRs.Psnr:F2}");
                break;
            case "UNREACHABLE":
                // Nothing lossy reaches 99 dB: lossless, bit-exact, the AI latent kept.
                Assert.Equal("lossless", stored.Compression);
                Assert.True(wadoRs.Exact, $"{name}: the lossless fallback is bit-exact");
                Assert.Equal(["ai-latent", "lossless"], stored.Kinds);
                break;
            default:
                // The default lossy set: the smallest qualifying candidate is the one stored, and it meets 30 dB.
                // [representation, bytes, extraBytes, psnr, ssim, maxAbsError, qualifies, note] (CandidatesJson)
                var candidates = stored.Candidates.GetProperty("candidates").EnumerateArray().ToList();
                var smallest = candidates.Where(c => c[6].GetBoolean()).MinBy(c => c[1].GetInt64() + c[2].GetInt64());
                Assert.Equal(smallest[0].GetString(), stored.Compression);
                Assert.NotEqual("lossless", stored.Compression);
                Assert.True(wadoRs.Psnr >= 30, $"{name}: default PSNR {wadoRs.Psnr:F2}");
                Assert.Contains(candidates, c => c[0].GetString() == "latent" && !c[6].GetBoolean());
                break;
        }
    }

    /// <summary>
    /// The lossy flags a file of <paramref name="stored"/>'s representation carries (the sent files have none):
    /// Lossy Image Compression 01, one ratio, the original pixel bytes over the stored ones (the codestream's for
    /// j2k-lossy, the object's for the latent ones), and the method; none for lossless.
    /// </summary>
    private static IEnumerable<string> FlagProblems(RetrievedComparison seen, StoredRepresentation stored, long codestreamBytes)
    {
        var flags = $"flags {seen.Lossy} / {string.Join('\\', seen.Ratio)} / {string.Join('\\', seen.Method)}";
        var (method, storedBytes) = stored.Compression switch
        {
            "j2k-lossy" => ("ISO_15444_1", codestreamBytes),
            "latent" or "latent+residual" => ("MEDVAE", stored.ServedBytes),
            _ => (null, 0L),
        };
        if (method is null)
        {
            if (seen.Lossy == "01" || seen.Ratio.Length > 0 || seen.Method.Length > 0)
            {
                yield return $"{flags}, none expected";
            }

            yield break;
        }

        var expectedRatio = (double)seen.PixelBytes / storedBytes;
        if (seen.Lossy != "01" || seen.Method is not [var only] || only != method || seen.Ratio.Length != 1)
        {
            yield return $"{flags}, expected 01 / {expectedRatio:F3} / {method}";
        }
        else if (Math.Abs(double.Parse(seen.Ratio[0], CultureInfo.InvariantCulture) / expectedRatio - 1) > RatioTolerance)
        {
            yield return $"{flags}: the ratio is not {seen.PixelBytes} / {storedBytes} = {expectedRatio:F3}";
        }
    }

    /// <summary>The PSNR and maximum error the index recorded are pydicom's and numpy's of the retrieved values; a lossless instance records none.</summary>
    private static IEnumerable<string> RecordedQualityProblems(RetrievedComparison seen, StoredRepresentation stored)
    {
        if (stored.Compression == "lossless")
        {
            if (stored.Psnr is not null || stored.MaxAbsError is not (null or 0))
            {
                yield return $"lossless, recorded PSNR {stored.Psnr} and max error {stored.MaxAbsError}";
            }

            yield break;
        }

        if (stored.Psnr is not { } psnr || Math.Abs(psnr - seen.Psnr) > RecordedPsnrTolerance)
        {
            yield return $"recorded PSNR {stored.Psnr:F3} dB, pydicom finds {seen.Psnr:F3} dB";
        }

        if (stored.MaxAbsError != seen.MaxAbsError)
        {
            yield return $"recorded max error {stored.MaxAbsError}, numpy finds {seen.MaxAbsError}";
        }
    }

    private static void AssertSearched(RetrievedComparison comparison, double target, string name)
    {
        Assert.True(comparison.Psnr >= target, $"{name}: PSNR {comparison.Psnr:F2} dB below the target {target}");
        Assert.True(comparison.Psnr < target + Margin, $"{name}: PSNR {comparison.Psnr:F2} dB is more than {Margin} dB above the target {target}: the search stopped short");
    }

    private static async Task AssertLatentServedAsync(CompressionGateway gateway, TestInstance instance)
    {
        using var latent = await MultipartResponse.GetAsync(gateway.Gateway.Http, instance.InstancePath + "/latent", null);
        Assert.Equal(HttpStatusCode.OK, latent.StatusCode);
        Assert.Equal(EndToEndData.ModelId, Assert.Single(latent.Headers.GetValues("X-Latent-Model")));
        var npy = await latent.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        Assert.Equal([0x93, .. "NUMPY"u8.ToArray()], npy[..6]);
    }

    /// <summary>
    /// The files as sent, in folder/sent: first the storescu ones (copies), then the STOW-RS ones, each with its rule's
    /// AE title as Source Application Entity Title (pydicom rewrites the file meta only).
    /// </summary>
    private static List<string> SentFiles(string folder)
    {
        var sent = Directory.CreateDirectory(Path.Combine(folder, "sent")).FullName;
        var byStorescu = Cases.Select(c => TestData.RequireSharedData(Mr + c.ByStorescu)).ToList();
        var byStow = Cases.Select(c => TestData.RequireSharedData(Mr + c.ByStow)).ToList();
        foreach (var path in byStorescu)
        {
            File.Copy(path, Path.Combine(sent, Path.GetFileName(path)));
        }

        ExternalTool.RunChecked(ExternalTool.DebianPython, [HeaderStoreGateway.Oracle, "with-source-ae", sent, .. Cases.Zip(byStow).SelectMany(pair => new[] { pair.First.AE, pair.Second })], "python3-pydicom");
        return [.. byStorescu.Concat(byStow).Select(path => Path.Combine(sent, Path.GetFileName(path)))];
    }

    /// <summary>Every instance by each of <see cref="Paths"/>, a j2k-lossy one also natively, each file kept as folder/path/sent name.</summary>
    private static async Task<List<(int Instance, string Via, string Path)>> RetrieveAsync(CompressionGateway gateway, List<string> sent, List<StoredRepresentation> stored, string folder)
    {
        var retrievals = new List<(int, string, string)>();
        for (var i = 0; i < sent.Count; i++)
        {
            var instance = TestInstance.Of(sent[i]);
            retrievals.Add((i, "WADO-RS", Keep((await RetrieveClients.WadoRsAsync(gateway.Gateway, instance)).Path, "WADO-RS")));
            retrievals.Add((i, "WADO-URI", Keep(await RetrieveClients.WadoUriAsync(gateway.Gateway, instance), "WADO-URI")));
            retrievals.Add((i, "C-GET", Keep(RetrieveClients.GetScu(gateway.Gateway, instance), "C-GET")));
            if (stored[i].Compression == "j2k-lossy")
            {
                var (contentType, native) = await RetrieveClients.WadoRsAsync(gateway.Gateway, instance, Native91);
                Assert.Contains(Native91, contentType, StringComparison.Ordinal);
                retrievals.Add((i, WadoRsNative, Keep(native, WadoRsNative)));
            }

            string Keep(string path, string via) =>
                RetrieveClients.Keep(path, Path.Combine(Directory.CreateDirectory(Path.Combine(folder, Folder(via))).FullName, Path.GetFileName(sent[i])));
        }

        return retrievals;
    }

    private static string Folder(string via) => string.Concat(via.Where(char.IsLetterOrDigit));

    private static string Name(int instance) => $"{Cases[instance % Cases.Length].AE} by {(instance < Cases.Length ? "storescu" : "STOW-RS")}";

    private static void Storescu(CompressionGateway gateway, string callingAE, string path)
    {
        var (exitCode, output, error) = ExternalTool.Run(
            "storescu", ["-aet", callingAE, "-aec", GatewayInstance.AETitle, "127.0.0.1", gateway.Gateway.DicomPort.ToString(CultureInfo.InvariantCulture), path], "dcmtk");
        Assert.True(exitCode == 0, $"storescu failed:\n{output}\n{error}");
    }
}
