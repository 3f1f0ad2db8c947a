using System.Security.Cryptography;
using System.Text.Json.Nodes;
using static Gateway.Server.Tests.Interop.DicomJsonValues;

namespace Gateway.Server.Tests.Interop;

/// <summary>
/// The npm dicomweb-client 0.11.3 (what OHIF and many web viewers use) against the gateway's /dicomweb root:
/// STOW-RS, QIDO-RS, WADO-RS metadata, instances, frames, rendered images and bulk data, checked against pydicom's
/// reading of the files that were sent.
/// </summary>
public sealed class DicomWebClientInteropTests(PostgresCluster cluster)
{
    private const string Explicit = "1.2.840.10008.1.2.1";
    private const string JpegLsLossless = "1.2.840.10008.1.2.4.80";

    private static readonly string[] IncludeFields = ["00081030", "ModalitiesInStudy"];

    [Fact]
    public async Task Dicomweb_client_stores_finds_and_retrieves_what_pydicom_reads_in_the_files()
    {
        var mrFiles = InteropFiles.MrSlices(3);
        var ctFile = InteropFiles.JpegLsCtFile();
        var facts = InteropOracle.Describe([.. mrFiles, ctFile]);
        var mr = mrFiles.Select(f => facts[f]).ToList();
        var ct = facts[ctFile];
        var cancellationToken = TestContext.Current.CancellationToken;

        await using var gateway = await GatewayInstance.StartAsync(cluster);
        var folder = Directory.CreateTempSubdirectory("gateway-dwc-").FullName;
        try
        {
            var plan = new
            {
                Root = new Uri(gateway.BaseAddress, "dicomweb").AbsoluteUri,
                OutDir = folder,
                Steps = Steps(mrFiles, mr, ctFile, ct),
            };
            var results = await NodeScript.RunPlanAsync(plan, folder, cancellationToken);
            var checks = new InteropChecks();
            CheckStore(checks, results, mr, ct);
            CheckSearches(checks, results, mr, ct);
            CheckMetadata(checks, results, mr, ct);
            CheckRetrieval(checks, results, mr, ct);
            checks.AssertAllPassed(() => "dicomweb-client results: " + Shorten(results.ToJsonString()));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static object[] Steps(IReadOnlyList<string> mrFiles, List<FileFacts> mr, string ctFile, FileFacts ct)
    {
        var m = mr[0];
        var mrInstance = Ids(m);
        var ctInstance = Ids(ct);
        return
        [
            new { Kind = "store", Name = "stow-mr", Files = mrFiles },
            new { Kind = "store", Name = "stow-ct-to-study", Files = new[] { ctFile }, ct.StudyInstanceUID },
            Search("qido-patient-id", "studies", new() { ["PatientID"] = m.PatientID! }),
            Search("qido-name-exact", "studies", new() { ["PatientName"] = ct.PatientName! }),
            Search("qido-name-wildcard", "studies", new() { ["PatientName"] = ct.PatientName![..4] + "*" }),
            Search("qido-name-wildcard-other", "studies", new() { ["PatientName"] = m.PatientName![..3] + "*" }),
            Search("qido-date-range", "studies", new() { ["StudyDate"] = $"{m.StudyDate![..4]}0101-{m.StudyDate[..4]}1231" }),
            Search("qido-date-range-ct", "studies", new() { ["StudyDate"] = $"-{ct.StudyDate}" }),
            Search("qido-includefield", "studies", new()
            {
                ["PatientID"] = ct.PatientID!,
                ["includefield"] = IncludeFields,
            }),
            Search("qido-limit", "studies", new() { ["limit"] = 1, ["offset"] = 0 }),
            Search("qido-offset", "studies", new() { ["limit"] = 1, ["offset"] = 1 }),
            new { Kind = "search", Name = "qido-series", Level = "series", m.StudyInstanceUID, QueryParams = new Dictionary<string, object>() },
            new
            {
                Kind = "search", Name = "qido-instances", Level = "instances", m.StudyInstanceUID, m.SeriesInstanceUID,
                QueryParams = new Dictionary<string, object>(),
            },
            new { Kind = "metadata", Name = "metadata-series", Level = "series", m.StudyInstanceUID, m.SeriesInstanceUID },
            new { Kind = "metadata", Name = "metadata-study-ct", Level = "study", ct.StudyInstanceUID },
            new { Kind = "metadata", Name = "metadata-missing", Level = "study", StudyInstanceUID = "2.25.1" },
            Instance("instance-mr", "instance", mrInstance),
            Instance("instance-ct", "instance", ctInstance),
            new { Kind = "instance", Name = "series-mr", Level = "series", m.StudyInstanceUID, m.SeriesInstanceUID },
            Frames("frames-mr", mrInstance, null),
            Frames("frames-ct-default", ctInstance, null),
            Frames("frames-ct-explicit", ctInstance, [new { MediaType = "application/octet-stream", TransferSyntaxUID = Explicit }]),
            Frames("frames-ct-jls", ctInstance, [new { MediaType = "image/jls", TransferSyntaxUID = JpegLsLossless }]),
            Frames("frames-ct-jls-or-explicit", ctInstance,
            [
                new { MediaType = "image/jls", TransferSyntaxUID = JpegLsLossless },
                new { MediaType = "application/octet-stream", TransferSyntaxUID = Explicit },
            ]),
            Rendered("rendered-mr-png", mrInstance, "image/png"),
            Rendered("rendered-ct-jpeg", ctInstance, "image/jpeg"),
            new { Kind = "bulkdata", Name = "bulk-mr", mrInstance.StudyInstanceUID, mrInstance.SeriesInstanceUID, mrInstance.SopInstanceUID, Singlepart = false },
            new { Kind = "bulkdata", Name = "bulk-mr-singlepart", mrInstance.StudyInstanceUID, mrInstance.SeriesInstanceUID, mrInstance.SopInstanceUID, Singlepart = true },
        ];
    }

    private static void CheckStore(InteropChecks checks, JsonObject results, List<FileFacts> mr, FileFacts ct)
    {
        foreach (var (name, expected) in new[] { ("stow-mr", mr.Select(f => f.SOPInstanceUID).ToArray()), ("stow-ct-to-study", new[] { ct.SOPInstanceUID }) })
        {
            var result = results[name]!;
            checks.Check(Ok(result), $"{name}: STOW-RS failed: {result}");
            var response = result["response"];
            var referenced = response?["00081199"]?["Value"]?.AsArray().Select(item => First(item, "00081155")) ?? [];
            checks.SetEqual(expected, referenced, $"{name}: ReferencedSOPSequence of the STOW-RS response");
            checks.Check(response?["00081198"] is null, $"{name}: the STOW-RS response has a FailedSOPSequence: {response?["00081198"]}");
        }
    }

    private static void CheckSearches(InteropChecks checks, JsonObject results, List<FileFacts> mr, FileFacts ct)
    {
        var m = mr[0];
        var both = new[] { m.StudyInstanceUID, ct.StudyInstanceUID };
        foreach (var (name, expected) in new[]
                 {
                     ("qido-patient-id", new[] { m.StudyInstanceUID }),
                     ("qido-name-exact", new[] { ct.StudyInstanceUID }),
                     ("qido-name-wildcard", new[] { ct.StudyInstanceUID }),
                     ("qido-name-wildcard-other", new[] { m.StudyInstanceUID }),
                     ("qido-date-range", new[] { m.StudyInstanceUID }),
                     ("qido-date-range-ct", new[] { ct.StudyInstanceUID }),
                     ("qido-includefield", new[] { ct.StudyInstanceUID }),
                 })
        {
            checks.SetEqual(expected, Uids(results, name, "0020000D"), $"{name}: studies found");
        }

        var included = results["qido-includefield"]?["response"]?.AsArray().FirstOrDefault();
        checks.Equal(ct.StudyDescription, First(included, "00081030"), "qido-includefield: StudyDescription (00081030)");
        checks.SetEqual([ct.Modality], All(included, "00080061"), "qido-includefield: ModalitiesInStudy");
        checks.Equal(ct.PatientName, First(included, "00100010"), "qido-includefield: PatientName");

        var first = Uids(results, "qido-limit", "0020000D");
        var second = Uids(results, "qido-offset", "0020000D");
        checks.Equal(1, first.Count, "qido-limit=1: number of studies");
        checks.Equal(1, second.Count, "qido-limit=1&offset=1: number of studies");
        checks.SetEqual(both, first.Concat(second), "qido-limit/offset: the two pages together");

        checks.SetEqual([m.SeriesInstanceUID], Uids(results, "qido-series", "0020000E"), "qido-series: series of the MR study");
        var series = results["qido-series"]?["response"]?.AsArray().FirstOrDefault();
        checks.Equal("3", First(series, "00201209"), "qido-series: NumberOfSeriesRelatedInstances");
        checks.SetEqual(mr.Select(f => f.SOPInstanceUID), Uids(results, "qido-instances", "00080018"), "qido-instances: instances of the MR series");
    }

    private static void CheckMetadata(InteropChecks checks, JsonObject results, List<FileFacts> mr, FileFacts ct)
    {
        var series = results["metadata-series"]!;
        checks.Check(Ok(series), $"metadata-series failed: {series}");
        var items = series["response"]?.AsArray() ?? [];
        checks.SetEqual(mr.Select(f => f.SOPInstanceUID), items.Select(i => First(i, "00080018")), "metadata-series: SOP Instance UIDs");
        foreach (var item in items)
        {
            var facts = mr.FirstOrDefault(f => f.SOPInstanceUID == First(item, "00080018"));
            checks.Equal(facts?.Rows, First(item, "00280010"), "metadata-series: Rows");
            checks.Equal(facts?.InstanceNumber, First(item, "00200013"), "metadata-series: InstanceNumber");
            checks.Check(item?["7FE00010"]?["BulkDataURI"] is not null || item?["7FE00010"]?["InlineBinary"] is not null,
                $"metadata-series: PixelData has neither BulkDataURI nor InlineBinary: {item?["7FE00010"]}");
        }

        var study = results["metadata-study-ct"]?["response"]?.AsArray().FirstOrDefault();
        checks.Equal(ct.PatientName, First(study, "00100010"), "metadata-study-ct: PatientName");
        checks.Equal(ct.SOPClassUID, First(study, "00080016"), "metadata-study-ct: SOPClassUID");
        var missing = results["metadata-missing"]!;
        checks.Check(!Ok(missing) && missing["status"]?.GetValue<int>() == 404, $"metadata of an unknown study: expected 404, got {missing}");
    }

    private static void CheckRetrieval(InteropChecks checks, JsonObject results, List<FileFacts> mr, FileFacts ct)
    {
        var m = mr[0];
        var instanceFiles = Files(results, "instance-mr").Concat(Files(results, "instance-ct")).Concat(Files(results, "series-mr")).ToList();
        var pixels = instanceFiles.Count == 0 ? new Dictionary<string, string>() : InteropOracle.PixelSha256(instanceFiles);
        CheckPixels(checks, results, pixels, "instance-mr", [m.PixelSha256]);
        CheckPixels(checks, results, pixels, "instance-ct", [ct.PixelSha256]);
        CheckPixels(checks, results, pixels, "series-mr", mr.Select(f => f.PixelSha256).ToList());

        CheckFrame(checks, results, "frames-mr", [m.FrameSha256[0]]);
        CheckFrame(checks, results, "frames-ct-default", [ct.PixelSha256]);
        CheckFrame(checks, results, "frames-ct-explicit", [ct.PixelSha256]);
        CheckFrame(checks, results, "frames-ct-jls", [ct.FrameSha256[0], ct.FrameSha256Unpadded[0]]);
        CheckFrame(checks, results, "frames-ct-jls-or-explicit", [ct.FrameSha256[0], ct.FrameSha256Unpadded[0], ct.PixelSha256]);
        CheckFrame(checks, results, "bulk-mr", [m.FrameSha256[0]]);
        CheckFrame(checks, results, "bulk-mr-singlepart", [m.FrameSha256[0]]);

        foreach (var (name, format, facts) in new[] { ("rendered-mr-png", "PNG", m), ("rendered-ct-jpeg", "JPEG", ct) })
        {
            var files = Files(results, name);
            checks.Check(files.Count == 1, $"{name}: expected one image, got {results[name]}");
            if (files.Count == 1)
            {
                var image = InteropOracle.Image(files[0]);
                checks.Equal(format, image.Format, $"{name}: image format");
                checks.Equal($"{facts.Columns}x{facts.Rows}", $"{image.Width}x{image.Height}", $"{name}: image size");
                checks.Check(image.StdDev > 1, $"{name}: the rendered image is blank (stddev {image.StdDev})");
            }
        }
    }

    private static void CheckPixels(InteropChecks checks, JsonObject results, IReadOnlyDictionary<string, string> pixels, string name, IReadOnlyList<string> expected)
    {
        var files = Files(results, name);
        checks.Check(Ok(results[name]!), $"{name} failed: {results[name]}");
        checks.SetEqual(expected, files.Select(f => pixels.GetValueOrDefault(f)), $"{name}: decoded pixels of the retrieved instances (pydicom)");
    }

    private static void CheckFrame(InteropChecks checks, JsonObject results, string name, IReadOnlyList<string> acceptable)
    {
        var files = Files(results, name);
        checks.Check(files.Count == 1, $"{name}: expected one part, got {results[name]}");
        if (files.Count == 1)
        {
            var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(files[0])));
            checks.Check(acceptable.Contains(sha), $"{name}: {new FileInfo(files[0]).Length} bytes that are not the frame pydicom reads in the file");
        }
    }

    private static bool Ok(JsonNode result) => result["ok"]?.GetValue<bool>() == true;

    private static List<string> Files(JsonObject results, string name) =>
        results[name]?["files"]?.AsArray().Select(f => f!.GetValue<string>()).ToList() ?? [];

    private static List<string?> Uids(JsonObject results, string name, string tag)
    {
        var response = results[name]?["response"];
        return response is JsonArray ? Column(response, tag).ToList() : [$"<{name} failed: {results[name]}>"];
    }

    private static InstanceIds Ids(FileFacts facts) => new(facts.StudyInstanceUID, facts.SeriesInstanceUID, facts.SOPInstanceUID);

    private static object Search(string name, string level, Dictionary<string, object> queryParams) =>
        new { Kind = "search", Name = name, Level = level, QueryParams = queryParams };

    private static object Instance(string name, string level, InstanceIds ids) =>
        new { Kind = "instance", Name = name, Level = level, ids.StudyInstanceUID, ids.SeriesInstanceUID, ids.SopInstanceUID };

    private static object Frames(string name, InstanceIds ids, object[]? mediaTypes) =>
        new { Kind = "frames", Name = name, ids.StudyInstanceUID, ids.SeriesInstanceUID, ids.SopInstanceUID, FrameNumbers = new[] { 1 }, MediaTypes = mediaTypes };

    private static object Rendered(string name, InstanceIds ids, string mediaType) =>
        new { Kind = "rendered", Name = name, ids.StudyInstanceUID, ids.SeriesInstanceUID, ids.SopInstanceUID, MediaTypes = new[] { new { MediaType = mediaType } } };

    private static string Shorten(string text) => text.Length <= 6000 ? text : text[..6000] + "…";

    private sealed record InstanceIds(string StudyInstanceUID, string SeriesInstanceUID, string SopInstanceUID);
}
