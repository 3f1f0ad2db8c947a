using Gateway.Dicom.Imaging;

namespace Gateway.Core.Compression;

/// <summary>Compares the stored values (the low BitsStored bits of every sample) of two pixel data, frame by frame.</summary>
public static class StoredValuesComparer
{
    /// <summary>Whether both have the same geometry and every sample of every frame has the same stored value.</summary>
    public static bool Equal(DicomPixelData expected, DicomPixelData actual, DicomCodecRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var a = expected.Info;
        var b = actual.Info;
        if (expected.NumberOfFrames != actual.NumberOfFrames || a.Rows != b.Rows || a.Columns != b.Columns
            || a.SamplesPerPixel != b.SamplesPerPixel || a.BitsAllocated != b.BitsAllocated || a.BitsStored != b.BitsStored)
        {
            return false;
        }

        for (var frame = 0; frame < expected.NumberOfFrames; frame++)
        {
            var left = FrameDecoder.Decode(expected, frame, registry).Data;
            var right = FrameDecoder.Decode(actual, frame, registry).Data;
            if (left.Length != right.Length || !SameSamples(left, right, a))
            {
                return false;
            }
        }

        return true;
    }

    private static bool SameSamples(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, FrameInfo info)
    {
        if (info.BitsAllocated <= 8 && info.BitsStored == info.BitsAllocated)
        {
            return left.SequenceEqual(right);
        }

        var bytes = info.BytesPerSample;
        var mask = info.BitsStored >= 64 ? ulong.MaxValue : (1UL << info.BitsStored) - 1;
        for (var i = 0; i + bytes <= left.Length; i += bytes)
        {
            if ((Sample(left, i, bytes) & mask) != (Sample(right, i, bytes) & mask))
            {
                return false;
            }
        }

        return true;
    }

    private static ulong Sample(ReadOnlySpan<byte> data, int offset, int bytes)
    {
        ulong value = 0;
        for (var k = bytes - 1; k >= 0; k--)
        {
            value = (value << 8) | data[offset + k];
        }

        return value;
    }
}
