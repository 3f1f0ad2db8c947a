using System.Globalization;
using Gateway.Compression.Npy;

namespace Gateway.Compression.Tests.Npy;

public sealed class NpyWriterTests
{
    public static TheoryData<string> Shapes => ["7", "3,5", "2,1,4,3", "2,3,2,2,2", "0,4", ""];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Numpy_loads_the_same_shape_and_values(string dimensions)
    {
        var shape = Shape(dimensions);
        var count = shape.Aggregate(1, (a, b) => a * b);
        var values = Enumerable.Range(0, count).Select(i => (i * 0.37f) - 1.5f).ToArray();
        if (count > 2)
        {
            values[1] = float.Epsilon;
            values[2] = -3.4e38f;
        }

        var path = Path.Combine(Path.GetTempPath(), $"npy-{Guid.NewGuid():N}.npy");
        try
        {
            File.WriteAllBytes(path, NpyWriter.ToBytes(shape, values));
            const string script = """
                import sys, numpy as np
                a = np.load(sys.argv[1], allow_pickle=False)
                assert a.dtype == np.dtype('<f4'), a.dtype
                assert a.flags['C_CONTIGUOUS']
                print(list(a.shape))
                print(' '.join(repr(float(v)) for v in a.ravel()))
                """;
            var output = ExternalTool.RunChecked(ExternalTool.DebianPython, ["-c", script, path], "python3-numpy").Split('\n');

            Assert.Equal($"[{string.Join(", ", shape)}]", output[0]);
            var loaded = output[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(values, loaded);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_data_starts_at_a_multiple_of_64_bytes(string dimensions)
    {
        var shape = Shape(dimensions);
        var header = NpyWriter.Header(shape, shape.Aggregate(1, (a, b) => a * b));
        Assert.Equal(0, header.Length % 64);
        Assert.Equal((byte)'\n', header[^1]);
    }

    [Fact]
    public void A_shape_that_does_not_hold_the_values_is_refused()
    {
        Assert.Throws<ArgumentException>(() => NpyWriter.ToBytes([2, 3], new float[5]));
    }

    private static int[] Shape(string dimensions) =>
        dimensions.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToArray();
}
