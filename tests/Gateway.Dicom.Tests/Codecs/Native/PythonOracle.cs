using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Native;

/// <summary>What oracle.py reported for one job.</summary>
internal sealed record OracleOutcome(bool Ok, string? Error, FrameInfo? Info, string? TransferSyntaxUid, int Frames);

/// <summary>
/// Runs oracle.py (next to this file) with Debian's /usr/bin/python3: pydicom splits DICOM files into frames and
/// GDCM, DCMTK or OpenJPH decode them, independently of the codecs under test. Every run gets its own folder
/// under the system temp directory, deleted on dispose.
/// </summary>
internal sealed class PythonOracle : IDisposable
{
    private const string Python = "/usr/bin/python3";

    private static readonly Dictionary<string, (string Tool, string Package)> Tools = new(StringComparer.Ordinal)
    {
        ["dcmdjpeg"] = ("dcmdjpeg", "dcmtk"),
        ["dcmdjpls"] = ("dcmdjpls", "dcmtk"),
        ["ojph"] = ("ojph_expand", "openjph-tools"),
        ["opj"] = ("opj_decompress", "libopenjp2-tools"),
    };

    private int _runs;

    public PythonOracle()
    {
        WorkDirectory = Directory.CreateTempSubdirectory("gateway-native-codecs-").FullName;
    }

    public string WorkDirectory { get; }

    public static string ScriptPath { get; } =
        Path.Combine(TestData.RepositoryRoot, "tests", "Gateway.Dicom.Tests", "Codecs", "Native", "oracle.py");

    /// <summary>A fresh folder under <see cref="WorkDirectory"/>.</summary>
    public string NewFolder(string name) =>
        Directory.CreateDirectory(Path.Combine(WorkDirectory, $"{Interlocked.Increment(ref _runs)}-{name}")).FullName;

    /// <summary>Runs the jobs (see oracle.py) in one Python process; one outcome per job, in order.</summary>
    public IReadOnlyList<OracleOutcome> Run(IReadOnlyList<JsonObject> jobs)
    {
        if (jobs.Count == 0)
        {
            return [];
        }

        RequireTools(jobs);
        var jobFile = Path.Combine(NewFolder("jobs"), "jobs.json");
        File.WriteAllText(jobFile, new JsonArray([.. jobs.Select(j => (JsonNode)j.DeepClone())]).ToJsonString());

        var stdout = ExternalTool.RunChecked(Python, [ScriptPath, jobFile], "python3-pydicom python3-numpy python3-gdcm");
        using var document = JsonDocument.Parse(stdout);
        return [.. document.RootElement.EnumerateArray().Select(Parse)];
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Leave it to the system's temp cleanup; a test run must not fail on cleanup.
        }
    }

    private static void RequireTools(IReadOnlyList<JsonObject> jobs)
    {
        if (!File.Exists(Python))
        {
            Assert.Fail($"{Python} is missing: install the Debian packages python3, python3-pydicom, python3-numpy and python3-gdcm.");
        }

        foreach (var oracle in jobs.Select(j => (string?)j["oracle"]).Distinct())
        {
            if (oracle is not null && Tools.TryGetValue(oracle, out var tool) && !IsOnPath(tool.Tool))
            {
                Assert.Fail($"{tool.Tool} is not on PATH: install the Debian package {tool.Package} (apt-get install {tool.Package}).");
            }
        }
    }

    private static bool IsOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));

    private static OracleOutcome Parse(JsonElement result)
    {
        if (!result.GetProperty("ok").GetBoolean())
        {
            return new OracleOutcome(false, result.GetProperty("error").GetString(), null, null, 0);
        }

        var i = result.GetProperty("info");
        var info = new FrameInfo(
            i.GetProperty("rows").GetInt32(),
            i.GetProperty("columns").GetInt32(),
            i.GetProperty("samplesPerPixel").GetInt32(),
            i.GetProperty("bitsAllocated").GetInt32(),
            i.GetProperty("bitsStored").GetInt32(),
            i.GetProperty("signed").GetBoolean(),
            i.GetProperty("photometric").GetString()!,
            (PlanarConfiguration)i.GetProperty("planar").GetInt32());
        var syntax = result.TryGetProperty("syntax", out var s) ? s.GetString() : null;
        var frames = result.TryGetProperty("frames", out var f) ? f.GetInt32() : 1;
        return new OracleOutcome(true, null, info, syntax, frames);
    }

    /// <summary>The JSON form of a FrameInfo that oracle.py reads.</summary>
    public static JsonObject InfoJson(FrameInfo info) => new()
    {
        ["rows"] = info.Rows,
        ["columns"] = info.Columns,
        ["samplesPerPixel"] = info.SamplesPerPixel,
        ["bitsAllocated"] = info.BitsAllocated,
        ["bitsStored"] = info.BitsStored,
        ["signed"] = info.IsSigned,
        ["photometric"] = info.PhotometricInterpretation,
        ["planar"] = (int)info.PlanarConfiguration,
    };
}
