using System.Text.Json;

namespace Gateway.Server.Tests.Reconstruction;

/// <summary>What pydicom and numpy see when they compare a retrieved file with the original that was sent.</summary>
internal sealed record Comparison(
    bool SameStudy,
    bool SameSeries,
    bool SameSop,
    string Ts,
    string Lossy,
    string[] Ratio,
    string[] Method,
    string Derivation,
    bool SameShape,
    double MaxDifference,
    double Psnr);

/// <summary>
/// pydicom (Debian python3-pydicom with python3-gdcm) and numpy as the independent judge of a retrieved instance: its
/// UIDs and lossy flags, and its pixels against the original's, exactly ("exact") or against the stand-in engine's
/// known answer, each stored value rounded down to even ("even"); PSNR per frame on the original frame's range, worst frame.
/// </summary>
internal static class ReconstructionOracle
{
    private const string Script = """
        import sys, json
        import numpy as np
        import pydicom

        original = pydicom.dcmread(sys.argv[2], force=True)
        back = pydicom.dcmread(sys.argv[3], force=True)
        mode = sys.argv[4]
        a = original.pixel_array.astype(np.int64)
        b = back.pixel_array.astype(np.int64)
        expected = a - (a & 1) if mode == 'even' else a
        same = a.shape == b.shape
        frames_a = a.reshape((-1,) + a.shape[-2:])
        frames_b = b.reshape((-1,) + b.shape[-2:]) if same else frames_a
        psnr = float('inf')
        for fa, fb in zip(frames_a, frames_b):
            span = float(fa.max() - fa.min()) or 1.0
            mse = float(np.mean(((fa - fb) / span) ** 2))
            psnr = min(psnr, float('inf') if mse == 0 else 10 * np.log10(1.0 / mse))
        def strings(name):
            if name not in back:
                return []
            value = back[name].value
            return [str(v) for v in value] if isinstance(value, (list, pydicom.multival.MultiValue)) else [str(value)]
        print(json.dumps({
            'sameStudy': back.StudyInstanceUID == original.StudyInstanceUID,
            'sameSeries': back.SeriesInstanceUID == original.SeriesInstanceUID,
            'sameSop': back.SOPInstanceUID == original.SOPInstanceUID,
            'ts': str(back.file_meta.TransferSyntaxUID),
            'lossy': str(back.get('LossyImageCompression', '')),
            'ratio': strings('LossyImageCompressionRatio'),
            'method': strings('LossyImageCompressionMethod'),
            'derivation': str(back.get('DerivationDescription', '')),
            'sameShape': same,
            'maxDifference': float(np.abs(expected - b).max()) if same else -1.0,
            'psnr': psnr if psnr != float('inf') else 1e9,
        }))
        """;

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public static Comparison Compare(string original, string retrieved, bool even)
    {
        var output = ExternalTool.RunChecked(ExternalTool.DebianPython, ["-c", Script, "compare", original, retrieved, even ? "even" : "exact"], "python3-pydicom python3-numpy python3-gdcm");
        return JsonSerializer.Deserialize<Comparison>(output, Json)!;
    }

    /// <summary>Lines dcmdump reports as warnings or errors.</summary>
    public static string[] DcmdumpProblems(string path)
    {
        var (exitCode, _, error) = ExternalTool.Run("dcmdump", ["-q", path], "dcmtk");
        var problems = error.Split('\n').Select(line => line.Trim()).Where(line => line.StartsWith("W:", StringComparison.Ordinal) || line.StartsWith("E:", StringComparison.Ordinal));
        return exitCode == 0 ? [.. problems] : [$"dcmdump exited with {exitCode}", .. problems];
    }

    /// <summary>What DCMTK and dicom3tools find wrong with a retrieved file: dcmdump's warnings and errors, and the dciodvfy errors <paramref name="inputErrors"/> (the sent file's) lack.</summary>
    public static IEnumerable<string> NewProblems(string path, IReadOnlySet<string> inputErrors) =>
        DcmdumpProblems(path).Select(problem => "dcmdump: " + problem)
            .Concat(DciodvfyErrors(path).Except(inputErrors).Select(error => "dciodvfy error the input did not have: " + error));

    /// <summary>The error lines dciodvfy reports, without the file-specific prefix.</summary>
    public static HashSet<string> DciodvfyErrors(string path)
    {
        var (_, stdout, stderr) = ExternalTool.Run("dciodvfy", [path], "dicom3tools");
        return (stdout + "\n" + stderr).Split('\n').Select(line => line.Trim()).Where(line => line.StartsWith("Error", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
    }
}
