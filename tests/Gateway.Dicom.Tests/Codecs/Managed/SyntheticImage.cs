using System.Buffers.Binary;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Managed;

/// <summary>
/// Deterministic test images in the layout of <see cref="DecodedFrame.Data"/>: ramps and texture with
/// noise, runs of equal samples, and scattered minimum and maximum values (jumps as large as the
/// precision allows).
/// </summary>
internal static class SyntheticImage
{
    /// <summary>An interleaved native frame for <paramref name="info"/> (8, 16 or 32-bit containers).</summary>
    public static byte[] Create(FrameInfo info, int seed)
    {
        ArgumentNullException.ThrowIfNull(info);
        var random = new Random(seed);
        var bits = info.BitsStored;
        var range = 1L << bits;
        var output = new byte[info.NativeFrameLength];
        var samples = info.SamplesPerPixel;
        for (var y = 0; y < info.Rows; y++)
        {
            for (var x = 0; x < info.Columns; x++)
            {
                for (var c = 0; c < samples; c++)
                {
                    long value;
                    var pick = random.Next(100);
                    if (pick < 3)
                    {
                        value = pick == 0 ? 0 : range - 1;
                    }
                    else if ((y / 7) % 5 == 2)
                    {
                        value = range / 3;
                    }
                    else
                    {
                        value = ((x * 37) + (y * 23) + ((x * y) >> 5) + (c * 1000) + random.Next(1 + (int)Math.Min(range / 16, 500))) % range;
                    }

                    Write(output, info, (((y * info.Columns) + x) * samples) + c, value);
                }
            }
        }

        return output;
    }

    /// <summary>The same frame with colour-by-plane layout (Planar Configuration 1).</summary>
    public static byte[] ToPlanar(byte[] interleaved, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(interleaved);
        ArgumentNullException.ThrowIfNull(info);
        var size = info.BytesPerSample;
        var pixels = info.PixelCount;
        var samples = info.SamplesPerPixel;
        var planar = new byte[interleaved.Length];
        for (var i = 0; i < pixels; i++)
        {
            for (var c = 0; c < samples; c++)
            {
                interleaved.AsSpan(((i * samples) + c) * size, size).CopyTo(planar.AsSpan(((c * pixels) + i) * size));
            }
        }

        return planar;
    }

    private static void Write(byte[] output, FrameInfo info, int sample, long unsignedValue)
    {
        var bits = info.BitsStored;
        var value = info.IsSigned && unsignedValue >= 1L << (bits - 1) ? unsignedValue - (1L << bits) : unsignedValue;
        switch (info.BitsAllocated)
        {
            case 8:
                output[sample] = (byte)value;
                break;
            case 16:
                BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(sample * 2), (ushort)value);
                break;
            default:
                BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(sample * 4), (uint)value);
                break;
        }
    }
}
