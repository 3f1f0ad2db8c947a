using System.Globalization;
using System.Text.Json;

namespace Gateway.Compression.Tests.Models;

/// <summary>
/// Runs tests/oracle/medvae_reference.py (the trainer's PyTorch model loaded from weights.pt, /usr/bin/python3) on a
/// synthetic image (2D: height, width) or volume (3D: depth, height, width) and reads what it wrote: the input,
/// PyTorch's latent (posterior mean) and PyTorch's decoding of it.
/// </summary>
internal sealed record PyTorchReference(int[] Size, int[] LatentShape, float[] Image, float[] Latent, float[] Decoded)
{
    public int Height => Size[^2];

    public int Width => Size[^1];

    /// <summary>Skips the test, saying why, where Debian's python3 with torch and numpy (the oracle) is not installed.</summary>
    public static void RequireTorch()
    {
        if (!File.Exists(ExternalTool.DebianPython))
        {
            Assert.Skip($"{ExternalTool.DebianPython} is absent: the PyTorch reference needs Debian's python3, python3-torch and python3-numpy (scripts/install-test-deps.sh).");
        }

        var (exitCode, _, error) = ExternalTool.Run(ExternalTool.DebianPython, ["-c", "import torch, numpy"], "python3-torch python3-numpy");
        if (exitCode != 0)
        {
            Assert.Skip($"{ExternalTool.DebianPython} cannot import torch and numpy ({error.Trim()}): install python3-torch and python3-numpy (scripts/install-test-deps.sh) to compare with PyTorch.");
        }
    }

    public static PyTorchReference Run(string modelId, params int[] size)
    {
        var output = Directory.CreateTempSubdirectory("medvae-reference-");
        try
        {
            var script = Path.Combine(TestData.RepositoryRoot, "tests", "oracle", "medvae_reference.py");
            var model = Path.Combine(TestData.RepositoryRoot, "onnx-models", modelId);
            List<string> arguments = [script, model, "--height", Text(size[^2]), "--width", Text(size[^1]), "--out", output.FullName];
            if (size.Length == 3)
            {
                arguments.AddRange(["--depth", Text(size[0])]);
            }

            var (exitCode, _, error) = ExternalTool.Run(ExternalTool.DebianPython, arguments, "python3-torch python3-numpy");
            Assert.True(exitCode == 0, $"the PyTorch reference failed (needs Debian's python3-torch and python3-numpy: scripts/install-test-deps.sh): {error}");
            using var shape = JsonDocument.Parse(File.ReadAllText(Path.Combine(output.FullName, "shape.json")));
            var latentShape = shape.RootElement.GetProperty("latent").EnumerateArray().Select(dimension => dimension.GetInt32()).ToArray();
            return new PyTorchReference(size, latentShape, ReadFloats(output, "image.f32"), ReadFloats(output, "latent.f32"), ReadFloats(output, "decoded.f32"));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static float[] ReadFloats(DirectoryInfo folder, string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(folder.FullName, name));
        var values = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
