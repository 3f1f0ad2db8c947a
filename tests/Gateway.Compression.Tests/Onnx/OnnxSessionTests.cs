using Gateway.Compression.Onnx;

namespace Gateway.Compression.Tests.Onnx;

/// <summary>The NuGet ONNX Runtime as the gateway uses it: its version, a model's input and output names, and the errors of a wrong input.</summary>
public sealed class OnnxSessionTests
{
    [Fact]
    public void TheNativeLibraryIsVersion1_32FromTheOutputFolder()
    {
        Assert.StartsWith("1.32.", SharedOnnxRuntime.Instance.Version, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "libonnxruntime.so")), "libonnxruntime.so is not in the test's output folder");
    }

    [Theory]
    [InlineData("encoder.onnx", "image", "latent")]
    [InlineData("decoder.onnx", "latent", "image")]
    public void ASessionReadsTheModelsInputAndOutputNames(string file, string input, string output)
    {
        using var session = SharedOnnxRuntime.Instance.CreateSession(SharedOnnxRuntime.ModelFile("compact-f16-c1", file));

        Assert.Equal(input, session.InputName);
        Assert.Equal(output, session.OutputName);
    }

    [Fact]
    public void RunReturnsTheDecodersShape()
    {
        using var session = SharedOnnxRuntime.Instance.CreateSession(SharedOnnxRuntime.ModelFile("compact-f16-c1", "decoder.onnx"));

        var output = session.Run(new float[3 * 5], [1, 1, 3, 5]);

        Assert.Equal(new long[] { 1, 1, 12, 20 }, output.Shape);
        Assert.Equal(12 * 20, output.Values.Length);
    }

    [Fact]
    public void RunRejectsAnInputThatDoesNotMatchItsShape()
    {
        using var session = SharedOnnxRuntime.Instance.CreateSession(SharedOnnxRuntime.ModelFile("compact-f16-c1", "decoder.onnx"));

        Assert.Throws<ArgumentException>(() => session.Run(new float[10], [1, 1, 4, 4]));
    }

    [Fact]
    public void RunReportsOrtsOwnMessageForAWrongRank()
    {
        using var session = SharedOnnxRuntime.Instance.CreateSession(SharedOnnxRuntime.ModelFile("compact-f16-c1", "decoder.onnx"));

        var exception = Assert.Throws<OnnxRuntimeException>(() => session.Run(new float[16], [4, 4]));
        Assert.Contains("rank", exception.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AFileThatIsNoModelIsRefusedWithOrtsMessage()
    {
        var path = Path.Combine(Path.GetTempPath(), "not-a-model-" + Guid.NewGuid().ToString("N") + ".onnx");
        File.WriteAllText(path, "not a protobuf");
        try
        {
            var exception = Assert.Throws<OnnxRuntimeException>(() => SharedOnnxRuntime.Instance.CreateSession(path));
            Assert.False(string.IsNullOrWhiteSpace(exception.Message));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
