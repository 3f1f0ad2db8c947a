using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Server.Tests.DicomWeb.Stow;

namespace Gateway.Server.Tests.Admin;

/// <summary>/api/stats and /metrics after instances arrive over STOW-RS and C-STORE, against sizes read from the files and from DCMTK.</summary>
public sealed class StatsAndMetricsTests(PostgresCluster cluster)
{
    private static readonly string[] JobStates = ["queued", "running", "done", "failed"];

    [Fact]
    public async Task Stats_and_metrics_count_instances_bytes_and_jobs_by_modality_kind_and_path()
    {
        var mr = Directory.GetFiles(TestData.RequireSharedData("dicom-conformance/dcm_qa_ts-MR-9-transfer-syntaxes"), "*.dcm");
        var ct = TestData.RequireSharedData("dicom-conformance/cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm");
        await using var gateway = await GatewayInstance.StartAsync(cluster);
        var cancellationToken = TestContext.Current.CancellationToken;

        using (var content = new ByteArrayContent(MultipartBody.Build(mr.Select(path => ("application/dicom", File.ReadAllBytes(path))).Append(("application/dicom", "not DICOM"u8.ToArray())))))
        {
            content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={MultipartBody.Boundary}");
            using var response = await gateway.Http.PostAsync(new Uri("dicomweb/studies", UriKind.Relative), content, cancellationToken);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        ExternalTool.RunChecked("storescu", ["-aec", GatewayInstance.AETitle, "127.0.0.1", gateway.DicomPort.ToString(CultureInfo.InvariantCulture), ct], "dcmtk");

        using var stats = JsonDocument.Parse(await gateway.Http.GetStringAsync(new Uri("api/stats", UriKind.Relative), cancellationToken));
        var root = stats.RootElement;
        var expectedOriginal = mr.Sum(PixelBytes) + PixelBytes(ct);
        var storedBytes = StoredBytes(gateway);
        Assert.Equal(10, root.GetProperty("instances").GetInt64());
        Assert.Equal(expectedOriginal, root.GetProperty("originalBytes").GetInt64());
        Assert.Equal(storedBytes, root.GetProperty("storedBytes").GetInt64());
        Assert.Equal((double)expectedOriginal / storedBytes, root.GetProperty("ratio").GetDouble(), 6);
        Assert.Equal(9, root.GetProperty("byModality").GetProperty("MR").GetProperty("instances").GetInt64());
        Assert.Equal(mr.Sum(PixelBytes), root.GetProperty("byModality").GetProperty("MR").GetProperty("originalBytes").GetInt64());
        Assert.Equal(mr.Sum(path => new FileInfo(path).Length), root.GetProperty("byModality").GetProperty("MR").GetProperty("storedBytes").GetInt64());
        Assert.Equal(1, root.GetProperty("byModality").GetProperty("CT").GetProperty("instances").GetInt64());
        var original = root.GetProperty("byStorageKind").GetProperty("original");
        Assert.Equal(10, original.GetProperty("objects").GetInt64());
        Assert.Equal(storedBytes, original.GetProperty("storedBytes").GetInt64());
        var byState = root.GetProperty("queue").GetProperty("byState");
        Assert.Equal(10, JobStates.Sum(state => byState.GetProperty(state).GetInt64()));

        var metrics = await gateway.Http.GetAsync(new Uri("metrics", UriKind.Relative), cancellationToken);
        Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        var samples = ParseSamples(await metrics.Content.ReadAsStringAsync(cancellationToken));
        Assert.Equal(9, samples["gateway_ingest_instances_total{outcome=\"stored\",path=\"stow\"}"]);
        Assert.Equal(1, samples["gateway_ingest_instances_total{outcome=\"invalid\",path=\"stow\"}"]);
        Assert.Equal(1, samples["gateway_ingest_instances_total{outcome=\"stored\",path=\"dimse\"}"]);
        Assert.Equal(mr.Sum(path => new FileInfo(path).Length), samples["gateway_ingest_bytes_total{path=\"stow\"}"]);
        Assert.Equal(11, samples["gateway_ingest_duration_seconds_count{path=\"stow\"}"] + samples["gateway_ingest_duration_seconds_count{path=\"dimse\"}"]);
        Assert.Equal(1, samples["gateway_http_request_duration_seconds_count{method=\"POST\",route=\"/dicomweb/studies\",status=\"202\"}"]);
        Assert.Equal(1, samples["gateway_database_up"]);
        Assert.Equal(10, samples.Where(sample => sample.Key.StartsWith("gateway_jobs{kind=\"verify\"", StringComparison.Ordinal)).Sum(sample => sample.Value));
        Assert.Equal(9, samples["gateway_instances{modality=\"MR\"}"]);
    }

    /// <summary>Rows × Columns × Samples per Pixel × Bits Allocated / 8 × frames, as DCMTK's dcmdump reads them.</summary>
    private static long PixelBytes(string path)
    {
        var dump = ExternalTool.RunChecked("dcmdump", ["+P", "Rows", "+P", "Columns", "+P", "BitsAllocated", "+P", "SamplesPerPixel", "+P", "NumberOfFrames", path], "dcmtk");
        long Value(string name, long missing)
        {
            var match = Regex.Match(dump, @"^\(\w{4},\w{4}\) \w\w (?:\[)?(\d+)(?:\])?\s.*\b" + name + "$", RegexOptions.Multiline);
            return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : missing;
        }

        return Value("Rows", 0) * Value("Columns", 0) * Value("SamplesPerPixel", 1) * Value("BitsAllocated", 0) / 8 * Value("NumberOfFrames", 1);
    }

    private static long StoredBytes(GatewayInstance gateway) =>
        new ArchiveProbe(gateway.ConnectionString, gateway.DataDirectory).ObjectFiles().Sum(path => new FileInfo(path).Length);

    internal static Dictionary<string, double> ParseSamples(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            samples[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }

        return samples;
    }
}
