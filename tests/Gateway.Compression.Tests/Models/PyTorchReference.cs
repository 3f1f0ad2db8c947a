using System.Globalization;
using System.Text.Json;

namespace Gateway.Compression.Tests.Models;

/// <summary>
/// Runs tests/oracle/medvae_reference.py (the trainer's PyTorch model loaded from weights.pt, /usr/bin/python3) on a
/// synthetic image and reads what it wrote: the image, PyTorch's latent (posterior mean) and PyTorch's decoding of it.
/// </summary>
internal sealed record PyTorchReference(int Height, int Width, int[] LatentShape, float[] Image, float[] Latent, float[] Decoded)
{
    public static PyTorchReference Run(string modelId, int height, int width)
    {
        var output = Directory.CreateTempSubdirectory("medvae-reference-");
        try
        {
            var script = Path.Combine(TestData.RepositoryRoot, "tests", "oracle", "medvae_reference.py");
            var model = Path.Combine(TestData.RepositoryRoot, "onnx-models", modelId);
            var (exitCode, _, error) = ExternalTool.Run(
                ExternalTool.DebianPython,
                [script, model, "--height", height.ToString(CultureInfo.InvariantCulture), "--width", width.ToString(CultureInfo.InvariantCulture), "--out", output.FullName],
                "python3-torch python3-numpy");
            Assert.True(exitCode == 0, $"the PyTorch reference failed (needs Debian's python3-torch and python3-numpy: scripts/install-test-deps.sh): {error}");
            using var shape = JsonDocument.Parse(File.ReadAllText(Path.Combine(output.FullName, "shape.json")));
            var latentShape = shape.RootElement.GetProperty("latent").EnumerateArray().Select(dimension => dimension.GetInt32()).ToArray();
            return new PyTorchReference(height, width, latentShape, ReadFloats(output, "image.f32"), ReadFloats(output, "latent.f32"), ReadFloats(output, "decoded.f32"));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static float[] ReadFloats(DirectoryInfo folder, string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(folder.FullName, name));
        var values = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
