using System.Buffers.Binary;
using System.Globalization;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Native;

/// <summary>Sample-wise comparison of two native frames (DecodedFrame layout) of the same geometry.</summary>
internal static class PixelComparison
{
    /// <summary>Fails with the first differing sample and a summary unless the frames are byte for byte equal.</summary>
    public static void AssertIdentical(byte[] expected, byte[] actual, FrameInfo info, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        if (expected.AsSpan().SequenceEqual(actual))
        {
            return;
        }

        var e = Samples(expected, info);
        var a = Samples(actual, info);
        var first = Enumerable.Range(0, e.Length).First(i => e[i] != a[i]);
        var differing = Enumerable.Range(0, e.Length).Count(i => e[i] != a[i]);
        var pixel = first / info.SamplesPerPixel;
        Assert.Fail(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {differing} of {e.Length} samples differ; first at row {pixel / info.Columns}, column {pixel % info.Columns}, " +
            $"sample {first % info.SamplesPerPixel}: expected {e[first]}, got {a[first]}; max |difference| {MaxAbsoluteError(e, a)}."));
    }

    /// <summary>Fails unless every sample is within <paramref name="tolerance"/> of the expected one; returns how many differ.</summary>
    public static int AssertWithin(byte[] expected, byte[] actual, FrameInfo info, int tolerance, string what)
    {
        if (tolerance == 0)
        {
            AssertIdentical(expected, actual, info, what);
            return 0;
        }

        Assert.Equal(expected.Length, actual.Length);
        var e = Samples(expected, info);
        var a = Samples(actual, info);
        var max = MaxAbsoluteError(e, a);
        Assert.True(max <= tolerance, $"{what}: max |difference| {max} exceeds {tolerance}.");
        return Enumerable.Range(0, e.Length).Count(i => e[i] != a[i]);
    }

    /// <summary>Peak signal-to-noise ratio in dB with peak 2^BitsStored - 1 (infinity for identical frames).</summary>
    public static double Psnr(byte[] reference, byte[] test, FrameInfo info)
    {
        var r = Samples(reference, info);
        var t = Samples(test, info);
        double sum = 0;
        for (var i = 0; i < r.Length; i++)
        {
            double d = r[i] - t[i];
            sum += d * d;
        }

        var mse = sum / r.Length;
        var peak = (1 << info.BitsStored) - 1.0;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(peak * peak / mse);
    }

    public static int MaxAbsoluteError(byte[] reference, byte[] test, FrameInfo info) =>
        MaxAbsoluteError(Samples(reference, info), Samples(test, info));

    /// <summary>Reads the samples of a native frame as integers (little endian, signed per the frame).</summary>
    public static int[] Samples(byte[] frame, FrameInfo info)
    {
        if (info.BytesPerSample == 1)
        {
            return [.. frame.Select(b => info.IsSigned ? (int)(sbyte)b : b)];
        }

        var samples = new int[frame.Length / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = info.IsSigned
                ? BinaryPrimitives.ReadInt16LittleEndian(frame.AsSpan(2 * i))
                : BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(2 * i));
        }

        return samples;
    }

    private static int MaxAbsoluteError(int[] a, int[] b)
    {
        var max = 0;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }
}
