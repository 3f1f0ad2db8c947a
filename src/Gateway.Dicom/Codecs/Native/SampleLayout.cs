using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>
/// Conversions between the native frame layout of <see cref="Imaging.DecodedFrame"/> (little endian samples in
/// 8- or 16-bit containers, colour interleaved) and what the native libraries read and write. "Normalising"
/// a sample to <c>bits</c> means: unsigned, keep the low <c>bits</c> bits and clear the rest; signed,
/// sign-extend bit <c>bits - 1</c> through the container. Only little-endian hosts are supported.
/// </summary>
internal static class SampleLayout
{
    /// <summary>Writes the samples of a single-component frame (row-major ints) as native samples, normalising each.</summary>
    public static void StoreSingleComponent(ReadOnlySpan<int> source, Span<byte> frame, int bytesPerSample, int bits, bool signed)
    {
        if (bytesPerSample == 2)
        {
            StoreUInt16(source, MemoryMarshal.Cast<byte, ushort>(frame), bits, signed);
        }
        else
        {
            StoreByte(source, frame, bits, signed);
        }
    }

    /// <summary>
    /// Writes three decoded components (row-major int samples) into an interleaved frame in one pass, normalising
    /// each sample to its component's bit count.
    /// </summary>
    public static void StoreThreeComponents(
        ReadOnlySpan<int> first, ReadOnlySpan<int> second, ReadOnlySpan<int> third, Span<byte> frame, int bytesPerSample,
        int firstBits, int secondBits, int thirdBits, bool signed)
    {
        var count = first.Length;
        second = second[..count];
        third = third[..count];
        if (bytesPerSample == 2)
        {
            var destination = MemoryMarshal.Cast<byte, ushort>(frame)[..(3 * count)];
            for (int i = 0, o = 0; i < count; i++, o += 3)
            {
                destination[o] = (ushort)Normalize(first[i], firstBits, signed);
                destination[o + 1] = (ushort)Normalize(second[i], secondBits, signed);
                destination[o + 2] = (ushort)Normalize(third[i], thirdBits, signed);
            }

            return;
        }

        frame = frame[..(3 * count)];
        for (int i = 0, o = 0; i < count; i++, o += 3)
        {
            frame[o] = (byte)Normalize(first[i], firstBits, signed);
            frame[o + 1] = (byte)Normalize(second[i], secondBits, signed);
            frame[o + 2] = (byte)Normalize(third[i], thirdBits, signed);
        }
    }

    /// <summary>
    /// Reads one component of a native frame (interleaved or planar) into row-major int samples, each
    /// normalised to <paramref name="bits"/> (masked, or sign-extended when <paramref name="signed"/>).
    /// </summary>
    public static void LoadComponent(
        ReadOnlySpan<byte> frame, Span<int> destination, int component, int samplesPerPixel, bool planar, int bytesPerSample, int bits, bool signed)
    {
        var start = planar ? component * destination.Length : component;
        var step = planar ? 1 : samplesPerPixel;
        if (bytesPerSample == 2)
        {
            var source = MemoryMarshal.Cast<byte, ushort>(frame);
            for (int i = 0, s = start; i < destination.Length; i++, s += step)
            {
                destination[i] = Normalize(source[s], bits, signed);
            }
        }
        else
        {
            for (int i = 0, s = start; i < destination.Length; i++, s += step)
            {
                destination[i] = Normalize(frame[s], bits, signed);
            }
        }
    }

    /// <summary>Normalises every sample of a frame in place; does nothing when the samples fill their containers.</summary>
    public static void NormalizeInPlace(Span<byte> frame, int bytesPerSample, int bits, bool signed)
    {
        if (bits >= bytesPerSample * 8)
        {
            return;
        }

        if (bytesPerSample == 2)
        {
            NormalizeUInt16(MemoryMarshal.Cast<byte, ushort>(frame), bits, signed);
        }
        else
        {
            for (var i = 0; i < frame.Length; i++)
            {
                frame[i] = (byte)Normalize(frame[i], bits, signed);
            }
        }
    }

    /// <summary>Whether any unsigned sample has a bit set at or above <paramref name="bits"/>.</summary>
    public static bool HasBitsAbove(ReadOnlySpan<byte> frame, int bytesPerSample, int bits)
    {
        if (bits >= bytesPerSample * 8)
        {
            return false;
        }

        if (bytesPerSample == 1)
        {
            return frame.IndexOfAnyInRange((byte)(1 << bits), byte.MaxValue) >= 0;
        }

        return MemoryMarshal.Cast<byte, ushort>(frame).IndexOfAnyInRange((ushort)(1 << bits), ushort.MaxValue) >= 0;
    }

    /// <summary>Copies a frame to <paramref name="destination"/> normalising each sample, planar input becoming interleaved.</summary>
    public static void CopyNormalized(
        ReadOnlySpan<byte> source, Span<byte> destination, int samplesPerPixel, bool sourcePlanar, int bytesPerSample, int bits, bool signed)
    {
        if (!sourcePlanar || samplesPerPixel == 1)
        {
            source.CopyTo(destination);
        }
        else
        {
            PlanarToInterleaved(source, destination, samplesPerPixel, bytesPerSample);
        }

        NormalizeInPlace(destination, bytesPerSample, bits, signed);
    }

    /// <summary>R1 R2 ... G1 G2 ... B1 B2 ... to R1 G1 B1 R2 G2 B2 ...</summary>
    public static void PlanarToInterleaved(ReadOnlySpan<byte> planar, Span<byte> interleaved, int samplesPerPixel, int bytesPerSample)
    {
        var planeLength = planar.Length / samplesPerPixel;
        if (samplesPerPixel == 3 && bytesPerSample == 1)
        {
            var r = planar[..planeLength];
            var g = planar.Slice(planeLength, planeLength);
            var b = planar.Slice(2 * planeLength, planeLength);
            interleaved = interleaved[..(3 * planeLength)];
            for (int i = 0, o = 0; i < planeLength; i++, o += 3)
            {
                interleaved[o] = r[i];
                interleaved[o + 1] = g[i];
                interleaved[o + 2] = b[i];
            }

            return;
        }

        if (bytesPerSample == 2)
        {
            var source = MemoryMarshal.Cast<byte, ushort>(planar);
            var destination = MemoryMarshal.Cast<byte, ushort>(interleaved);
            var pixels = planeLength / 2;
            for (var c = 0; c < samplesPerPixel; c++)
            {
                var plane = source.Slice(c * pixels, pixels);
                for (int i = 0, o = c; i < plane.Length; i++, o += samplesPerPixel)
                {
                    destination[o] = plane[i];
                }
            }

            return;
        }

        for (var c = 0; c < samplesPerPixel; c++)
        {
            var plane = planar.Slice(c * planeLength, planeLength);
            for (int i = 0, o = c; i < plane.Length; i++, o += samplesPerPixel)
            {
                interleaved[o] = plane[i];
            }
        }
    }

    /// <summary>Widens 8-bit samples into 16-bit little-endian containers.</summary>
    public static void Widen(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var wide = MemoryMarshal.Cast<byte, ushort>(destination);
        for (var i = 0; i < source.Length; i++)
        {
            wide[i] = source[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Normalize(int value, int bits, bool signed)
    {
        var shift = 32 - bits;
        return signed ? (value << shift) >> shift : (int)((uint)(value << shift) >> shift);
    }

    private static void StoreUInt16(ReadOnlySpan<int> source, Span<ushort> destination, int bits, bool signed)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var shift = 32 - bits;
            ref var src = ref MemoryMarshal.GetReference(source);
            ref var dst = ref Unsafe.As<ushort, short>(ref MemoryMarshal.GetReference(destination));
            for (; i <= source.Length - 16; i += 16)
            {
                var a = Vector256.LoadUnsafe(ref src, (nuint)i) << shift;
                var b = Vector256.LoadUnsafe(ref src, (nuint)(i + 8)) << shift;
                a = signed ? Vector256.ShiftRightArithmetic(a, shift) : Vector256.ShiftRightLogical(a, shift);
                b = signed ? Vector256.ShiftRightArithmetic(b, shift) : Vector256.ShiftRightLogical(b, shift);
                Vector256.Narrow(a, b).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = (ushort)Normalize(source[i], bits, signed);
        }
    }

    private static void StoreByte(ReadOnlySpan<int> source, Span<byte> destination, int bits, bool signed)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var shift = 32 - bits;
            ref var src = ref MemoryMarshal.GetReference(source);
            ref var dst = ref Unsafe.As<byte, sbyte>(ref MemoryMarshal.GetReference(destination));
            for (; i <= source.Length - 32; i += 32)
            {
                var a = Vector256.LoadUnsafe(ref src, (nuint)i) << shift;
                var b = Vector256.LoadUnsafe(ref src, (nuint)(i + 8)) << shift;
                var c = Vector256.LoadUnsafe(ref src, (nuint)(i + 16)) << shift;
                var d = Vector256.LoadUnsafe(ref src, (nuint)(i + 24)) << shift;
                a = signed ? Vector256.ShiftRightArithmetic(a, shift) : Vector256.ShiftRightLogical(a, shift);
                b = signed ? Vector256.ShiftRightArithmetic(b, shift) : Vector256.ShiftRightLogical(b, shift);
                c = signed ? Vector256.ShiftRightArithmetic(c, shift) : Vector256.ShiftRightLogical(c, shift);
                d = signed ? Vector256.ShiftRightArithmetic(d, shift) : Vector256.ShiftRightLogical(d, shift);
                Vector256.Narrow(Vector256.Narrow(a, b), Vector256.Narrow(c, d)).StoreUnsafe(ref dst, (nuint)i);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = (byte)Normalize(source[i], bits, signed);
        }
    }

    private static void NormalizeUInt16(Span<ushort> samples, int bits, bool signed)
    {
        var i = 0;
        var shift = 16 - bits;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var data = ref Unsafe.As<ushort, short>(ref MemoryMarshal.GetReference(samples));
            for (; i <= samples.Length - 16; i += 16)
            {
                var v = Vector256.LoadUnsafe(ref data, (nuint)i) << shift;
                v = signed ? Vector256.ShiftRightArithmetic(v, shift) : Vector256.ShiftRightLogical(v, shift);
                v.StoreUnsafe(ref data, (nuint)i);
            }
        }

        for (; i < samples.Length; i++)
        {
            var v = (short)(samples[i] << shift);
            samples[i] = signed ? (ushort)(v >> shift) : (ushort)((ushort)v >> shift);
        }
    }
}
