using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Dicom.Tests.Network;

/// <summary>
/// Independent checks of what a peer stored against the file that was sent: element values with pydicom
/// (dataset_oracle.py beside this file), decoded pixels with pydicom + GDCM / DCMTK (tests/oracle/pixels_oracle.py).
/// </summary>
internal static class StoreOracles
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    /// <summary>Element-by-element differences (outside the File Meta Information) of each pair; empty when equal.</summary>
    /// <param name="allow">Changes allowed: the element (8 hex digits) may go from the first value to the second.</param>
    public static IReadOnlyList<string> DataSetDifferences(
        IEnumerable<(string Expected, string Actual)> pairs, bool skipPixelData = false, IReadOnlyList<(string Tag, string From, string To)>? allow = null)
    {
        var list = pairs.ToList();
        var folder = Directory.CreateTempSubdirectory("gateway-net-oracle-").FullName;
        try
        {
            var jobs = new JsonArray([.. list.Select(pair => (JsonNode)new JsonObject
            {
                ["expected"] = pair.Expected,
                ["actual"] = pair.Actual,
                ["skip"] = skipPixelData ? new JsonArray("7fe00010") : new JsonArray(),
                ["allow"] = new JsonArray([.. (allow ?? []).Select(change => (JsonNode)new JsonArray(change.Tag, change.From, change.To))]),
            })]);
            var jobFile = Path.Combine(folder, "pairs.json");
            File.WriteAllText(jobFile, jobs.ToJsonString());
            var script = Path.Combine(TestData.RepositoryRoot, "tests", "Gateway.Dicom.Tests", "Network", "Store", "dataset_oracle.py");
            var output = ExternalTool.RunChecked(ExternalTool.DebianPython, [script, jobFile], "python3-pydicom");
            var results = JsonSerializer.Deserialize<List<PairResult>>(output, JsonOptions)!;
            Assert.Equal(list.Count, results.Count);
            return [.. results.Where(result => result.Differences.Count > 0).Select(result => $"{result.Expected}: {string.Join("; ", result.Differences)}")];
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Pairs whose decoded pixels differ (or that the oracle cannot decode); empty when all are equal.</summary>
    public static IReadOnlyList<string> PixelDifferences(IReadOnlyList<(string Expected, string Actual)> pairs)
    {
        var folder = Directory.CreateTempSubdirectory("gateway-net-pixels-").FullName;
        try
        {
            var files = pairs.SelectMany(pair => new[] { pair.Expected, pair.Actual }).ToList();
            var script = Path.Combine(TestData.RepositoryRoot, "tests", "oracle", "pixels_oracle.py");
            var (exitCode, stdout, stderr) = ExternalTool.Run(ExternalTool.DebianPython, [script, folder, .. files], "python3-pydicom python3-gdcm dcmtk");
            Assert.True(exitCode == 0, $"The pixel oracle failed: {stderr}");
            var records = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonSerializer.Deserialize<PixelRecord>(line, JsonOptions)!).ToList();
            Assert.Equal(files.Count, records.Count);
            var differences = new List<string>();
            for (var i = 0; i < pairs.Count; i++)
            {
                var (expected, actual) = (records[2 * i], records[(2 * i) + 1]);
                if (!expected.Ok || !actual.Ok)
                {
                    differences.Add($"{pairs[i].Expected}: the oracle could not decode ({expected.Error ?? actual.Error})");
                }
                else if (!File.ReadAllBytes(Path.Combine(folder, $"{2 * i}.raw")).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(folder, $"{(2 * i) + 1}.raw"))))
                {
                    differences.Add($"{pairs[i].Expected}: decoded pixels differ");
                }
            }

            return differences;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed record PairResult(string Expected, List<string> Differences);

    private sealed record PixelRecord(int Index, string File, bool Ok, string? Error);
}
