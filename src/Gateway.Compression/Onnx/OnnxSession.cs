using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrtException = Microsoft.ML.OnnxRuntime.OnnxRuntimeException;

namespace Gateway.Compression.Onnx;

/// <summary>
/// One ONNX model loaded into ONNX Runtime, with one float32 input and one float32 output. Created once per model and
/// reused: <see cref="Run"/> may be called from several threads at once (InferenceSession.Run is thread-safe).
/// </summary>
public sealed class OnnxSession : IDisposable
{
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly string[] inputNames;
    private readonly string[] outputNames;

    internal OnnxSession(InferenceSession session)
    {
        this.session = session;
        if (session.InputNames.Count != 1 || session.OutputNames.Count != 1)
        {
            var message = $"The model has {session.InputNames.Count} inputs and {session.OutputNames.Count} outputs; the gateway runs models with one of each.";
            Dispose();
            throw new OnnxRuntimeException(message);
        }

        inputNames = [session.InputNames[0]];
        outputNames = [session.OutputNames[0]];
    }

    /// <summary>The model's input name, e.g. "image" (encoder) or "latent" (decoder).</summary>
    public string InputName => inputNames[0];

    /// <summary>The model's output name.</summary>
    public string OutputName => outputNames[0];

    /// <summary>Runs the model on a float32 tensor of <paramref name="shape"/> (C order) and returns its output.</summary>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime refused the input (its message kept) or the output is not float32.</exception>
    public unsafe OnnxTensor Run(ReadOnlySpan<float> input, ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var dimension in shape)
        {
            count *= dimension;
        }

        if (count != input.Length)
        {
            throw new ArgumentException($"The input holds {input.Length} values; shape [{string.Join(", ", shape.ToArray())}] needs {count}.", nameof(input));
        }

        try
        {
            // The input tensor is a view of the caller's memory (no copy), pinned for the run.
            fixed (float* data = input)
            {
                using var value = OrtValue.CreateTensorValueWithData(
                    OrtMemoryInfo.DefaultInstance, TensorElementType.Float, shape.ToArray(), (nint)data, (long)input.Length * sizeof(float));
                using var outputs = session.Run(runOptions, inputNames, [value], outputNames);
                return ReadTensor(outputs[0]);
            }
        }
        catch (OrtException exception)
        {
            throw new OnnxRuntimeException(exception.Message, exception);
        }
    }

    public void Dispose()
    {
        runOptions.Dispose();
        session.Dispose();
    }

    /// <summary>Copies a float32 tensor's shape and values out of ONNX Runtime's memory.</summary>
    private static OnnxTensor ReadTensor(OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        if (info.ElementDataType != TensorElementType.Float)
        {
            throw new OnnxRuntimeException($"The model's output has element type {info.ElementDataType}; the gateway reads float32 only.");
        }

        return new OnnxTensor(info.Shape, value.GetTensorDataAsSpan<float>().ToArray());
    }
}

/// <summary>A float32 tensor: its dimensions and its values in C order.</summary>
public sealed record OnnxTensor(long[] Shape, float[] Values);
