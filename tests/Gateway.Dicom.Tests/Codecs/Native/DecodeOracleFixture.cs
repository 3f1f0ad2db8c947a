using System.Text.Json.Nodes;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Native;

/// <summary>
/// An encapsulated file under shared/data, how many of its frames to test, and the independent decoder that
/// gives the expected pixels: "gdcm", "dcmdjpeg", "dcmdjpls", "ojph", "opj", "reference" (the native pixels of
/// the uncompressed file <paramref name="Reference"/>, a known answer for lossless files), or "none" (frames
/// only, for files that must fail to decode).
/// </summary>
/// <param name="Tolerance">
/// The largest sample difference accepted: 0 (bit-exact) except where two implementations of the irreversible
/// 9/7 wavelet and ICT round differently, which Part 1 does not forbid.
/// </param>
public sealed record DecodeCase(string File, string Oracle, int Frames = 1, string? Reference = null, int Tolerance = 0);

/// <summary>One frame as stored in the file and as the oracle decoded it (DecodedFrame layout).</summary>
internal sealed record OracleFrame(byte[] Encoded, byte[] Expected);

internal sealed record DecodeSample(DicomTransferSyntax Syntax, FrameInfo Info, IReadOnlyList<OracleFrame> Frames);

/// <summary>
/// Runs the oracle over all decode cases of a test class at the first request (one Python process), then hands
/// out the frames. Cases whose files are absent are left out; their tests skip.
/// </summary>
public sealed class DecodeOracleFixture : IDisposable
{
    private readonly PythonOracle _oracle = new();
    private readonly Lock _gate = new();
    private Dictionary<string, (OracleOutcome Outcome, string Folder)>? _results;

    internal DecodeSample Get(IReadOnlyDictionary<string, DecodeCase> cases, string name)
    {
        var wanted = cases[name];
        TestData.RequireSharedData(wanted.File);
        if (wanted.Reference is not null)
        {
            TestData.RequireSharedData(wanted.Reference);
        }

        lock (_gate)
        {
            _results ??= Extract(cases);
        }

        var (outcome, folder) = _results[name];
        if (!outcome.Ok)
        {
            Assert.Fail($"The oracle ({wanted.Oracle}) could not decode {wanted.File}: {outcome.Error}");
        }

        var frames = Enumerable.Range(0, outcome.Frames)
            .Select(k => new OracleFrame(
                File.ReadAllBytes(Path.Combine(folder, $"frame{k}.bin")),
                wanted.Oracle == "none" ? [] : File.ReadAllBytes(Path.Combine(folder, $"frame{k}.raw"))))
            .ToList();
        return new DecodeSample(DicomTransferSyntax.FromUid(outcome.TransferSyntaxUid!), outcome.Info!, frames);
    }

    public void Dispose() => _oracle.Dispose();

    private Dictionary<string, (OracleOutcome, string)> Extract(IReadOnlyDictionary<string, DecodeCase> cases)
    {
        var root = TestData.SharedData!;
        var present = cases
            .Where(c => File.Exists(Path.Combine(root, c.Value.File))
                && (c.Value.Reference is null || File.Exists(Path.Combine(root, c.Value.Reference))))
            .ToList();
        var folders = present.Select(c => _oracle.NewFolder(Path.GetFileNameWithoutExtension(c.Value.File))).ToList();
        var jobs = present.Select((c, i) =>
        {
            var job = new JsonObject
            {
                ["kind"] = "extract",
                ["file"] = Path.Combine(root, c.Value.File),
                ["oracle"] = c.Value.Oracle,
                ["frames"] = c.Value.Frames,
                ["out"] = folders[i],
            };
            if (c.Value.Reference is not null)
            {
                job["reference"] = Path.Combine(root, c.Value.Reference);
            }

            return job;
        }).ToList();
        var outcomes = _oracle.Run(jobs);
        return present.Select((c, i) => (c.Key, (outcomes[i], folders[i]))).ToDictionary(p => p.Key, p => p.Item2);
    }
}
