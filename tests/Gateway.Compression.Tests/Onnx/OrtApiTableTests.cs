using System.Runtime.InteropServices;
using Gateway.Compression.Onnx;

namespace Gateway.Compression.Tests.Onnx;

/// <summary>
/// Checks that each OrtApi table index the binding uses points at the function it names, by calling it and comparing
/// the result with what that function must answer (a wrong index returns something else, fails or crashes).
/// </summary>
public sealed unsafe class OrtApiTableTests
{
    [Fact]
    public void LibraryIsVersion1_30()
    {
        Assert.StartsWith("1.30.", SharedOnnxRuntime.Instance.Version, StringComparison.Ordinal);
    }

    [Fact]
    public void StatusEntriesCreateReadAndReleaseAnError()
    {
        var api = SharedOnnxRuntime.Instance.Api;
        nint status;
        fixed (byte* message = "probe message\0"u8)
        {
            status = api.CreateStatus(7, message);
        }

        Assert.Equal(7, api.GetErrorCode(status));
        Assert.Equal("probe message", Marshal.PtrToStringUTF8((nint)api.GetErrorMessage(status)));
        api.ReleaseStatus(status);
    }

    [Fact]
    public void CheckTurnsAnErrorStatusIntoAnExceptionWithOrtsMessage()
    {
        var api = SharedOnnxRuntime.Instance.Api;
        nint status;
        fixed (byte* message = "broken on purpose\0"u8)
        {
            status = api.CreateStatus(2, message);
        }

        var exception = Assert.Throws<OnnxRuntimeException>(() => api.Check(status));
        Assert.Contains("broken on purpose", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TensorEntriesDescribeATensorOverOurBuffer()
    {
        var runtime = SharedOnnxRuntime.Instance;
        var api = runtime.Api;
        var values = new float[2 * 3 * 4];
        long[] shape = [2, 3, 4];
        nint value;
        fixed (float* data = values)
        fixed (long* dimensions = shape)
        {
            api.Check(api.CreateTensorWithDataAsOrtValue(runtime.CpuMemory, data, (nuint)(values.Length * sizeof(float)), dimensions, 3, 1, &value));
            try
            {
                int isTensor;
                api.Check(api.IsTensor(value, &isTensor));
                void* mutableData;
                api.Check(api.GetTensorMutableData(value, &mutableData));
                nint info;
                api.Check(api.GetTensorTypeAndShape(value, &info));
                int elementType;
                nuint rank;
                nuint count;
                var read = new long[3];
                api.Check(api.GetTensorElementType(info, &elementType));
                api.Check(api.GetDimensionsCount(info, &rank));
                api.Check(api.GetTensorShapeElementCount(info, &count));
                fixed (long* readDimensions = read)
                {
                    api.Check(api.GetDimensions(info, readDimensions, 3));
                }

                api.ReleaseTensorTypeAndShapeInfo(info);

                Assert.Equal(1, isTensor);
                Assert.Equal((nint)data, (nint)mutableData);
                Assert.Equal(1, elementType);
                Assert.Equal(3u, (uint)rank);
                Assert.Equal(24u, (uint)count);
                Assert.Equal(shape, read);
            }
            finally
            {
                api.ReleaseValue(value);
            }
        }
    }

    [Theory]
    [InlineData("encoder.onnx", "image", "latent")]
    [InlineData("decoder.onnx", "latent", "image")]
    public void SessionEntriesReadTheModelsInputAndOutputNames(string file, string input, string output)
    {
        using var session = SharedOnnxRuntime.Instance.CreateSession(SharedOnnxRuntime.ModelFile("compact-f16-c1", file));

        Assert.Equal(input, session.InputName);
        Assert.Equal(output, session.OutputName);
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
    public void AMissingLibraryNamesTheInstallCommand()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "libonnxruntime.so.1");

        var exception = Assert.Throws<OnnxRuntimeException>(() => OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = missing }));

        Assert.Contains(missing, exception.Message, StringComparison.Ordinal);
        Assert.Contains("scripts/install-deps.sh", exception.Message, StringComparison.Ordinal);
        Assert.Contains(OnnxRuntimeLibrary.PathVariable, exception.Message, StringComparison.Ordinal);
    }
}
