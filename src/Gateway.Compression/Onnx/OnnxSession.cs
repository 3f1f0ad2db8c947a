using System.Runtime.InteropServices;

namespace Gateway.Compression.Onnx;

/// <summary>
/// One ONNX model loaded into ONNX Runtime, with one float32 input and one float32 output. Created once per model and
/// reused: <see cref="Run"/> may be called from several threads at once (OrtApi::Run is thread-safe).
/// </summary>
public sealed unsafe class OnnxSession : IDisposable
{
    private const int ElementTypeFloat = 1;

    private readonly OnnxRuntime runtime;
    private readonly OrtHandle session;
    private readonly nint inputName;
    private readonly nint outputName;

    internal OnnxSession(OnnxRuntime runtime, OrtHandle session)
    {
        this.runtime = runtime;
        this.session = session;
        try
        {
            var api = runtime.Api;
            var handle = session.DangerousGetHandle();
            nuint inputs;
            nuint outputs;
            api.Check(api.SessionGetInputCount(handle, &inputs));
            api.Check(api.SessionGetOutputCount(handle, &outputs));
            if (inputs != 1 || outputs != 1)
            {
                throw new OnnxRuntimeException($"The model has {inputs} inputs and {outputs} outputs; the gateway runs models with one of each.");
            }

            nint allocator;
            api.Check(api.GetAllocatorWithDefaultOptions(&allocator));
            byte* name;
            api.Check(api.SessionGetInputName(handle, 0, allocator, &name));
            InputName = runtime.ReadAndFree(allocator, name);
            api.Check(api.SessionGetOutputName(handle, 0, allocator, &name));
            OutputName = runtime.ReadAndFree(allocator, name);
            inputName = Marshal.StringToCoTaskMemUTF8(InputName);
            outputName = Marshal.StringToCoTaskMemUTF8(OutputName);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The model's input name, e.g. "image" (encoder) or "latent" (decoder).</summary>
    public string InputName { get; }

    /// <summary>The model's output name.</summary>
    public string OutputName { get; }

    /// <summary>Runs the model on a float32 tensor of <paramref name="shape"/> (C order) and returns its output.</summary>
    public OnnxTensor Run(ReadOnlySpan<float> input, ReadOnlySpan<long> shape)
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

        var api = runtime.Api;
        nint inputValue;
        fixed (float* data = input)
        fixed (long* dimensions = shape)
        {
            api.Check(api.CreateTensorWithDataAsOrtValue(
                runtime.CpuMemory, data, (nuint)(input.Length * sizeof(float)), dimensions, (nuint)shape.Length, ElementTypeFloat, &inputValue));
            nint outputValue = 0;
            try
            {
                var names = stackalloc nint[] { inputName, outputName };
                api.Check(api.Run(session.DangerousGetHandle(), 0, names, &inputValue, 1, names + 1, 1, &outputValue));
            }
            finally
            {
                api.ReleaseValue(inputValue);
            }

            try
            {
                return ReadTensor(outputValue);
            }
            finally
            {
                api.ReleaseValue(outputValue);
            }
        }
    }

    public void Dispose()
    {
        session.Dispose();
        Marshal.FreeCoTaskMem(inputName);
        Marshal.FreeCoTaskMem(outputName);
    }

    /// <summary>Copies a float32 tensor's shape and values out of ORT's memory.</summary>
    internal OnnxTensor ReadTensor(nint value)
    {
        var api = runtime.Api;
        nint info;
        api.Check(api.GetTensorTypeAndShape(value, &info));
        try
        {
            int elementType;
            nuint rank;
            nuint count;
            api.Check(api.GetTensorElementType(info, &elementType));
            if (elementType != ElementTypeFloat)
            {
                throw new OnnxRuntimeException($"The model's output has element type {elementType}; the gateway reads float32 (1) only.");
            }

            api.Check(api.GetDimensionsCount(info, &rank));
            var shape = new long[(int)rank];
            fixed (long* dimensions = shape)
            {
                api.Check(api.GetDimensions(info, dimensions, rank));
            }

            api.Check(api.GetTensorShapeElementCount(info, &count));
            void* data;
            api.Check(api.GetTensorMutableData(value, &data));
            var values = new ReadOnlySpan<float>(data, checked((int)count)).ToArray();
            return new OnnxTensor(shape, values);
        }
        finally
        {
            api.ReleaseTensorTypeAndShapeInfo(info);
        }
    }
}

/// <summary>A float32 tensor: its dimensions and its values in C order.</summary>
public sealed record OnnxTensor(long[] Shape, float[] Values);
