using System.Buffers;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>
/// Encodes one frame as JPEG-LS with CharLS: P = Bits Stored, colour sample-interleaved (ILV 2), no colour
/// transformation. Signed samples are stored as their Bits Stored-bit two's complement pattern, the usual DICOM
/// practice (JPEG-LS itself knows only unsigned samples). NEAR bounds the error of that unsigned pattern, so with
/// NEAR &gt; 0 a signed sample within NEAR of the largest positive value may come back as a large negative one;
/// signed data that reaches the top of its range is better kept lossless.
/// </summary>
internal static unsafe class CharLSEncoder
{
    public static byte[] Encode(ReadOnlySpan<byte> native, FrameInfo info, int nearLossless)
    {
        var sampleBytes = info.BitsStored <= 8 ? 1 : 2;
        var planar = info.PlanarConfiguration == PlanarConfiguration.Planar && info.SamplesPerPixel > 1;
        var frame = native[..checked((int)info.NativeFrameLength)];
        var usable = sampleBytes == info.BytesPerSample
            && !planar
            && !info.IsSigned
            && !SampleLayout.HasBitsAbove(frame, info.BytesPerSample, info.BitsStored);
        if (usable)
        {
            return EncodeSamples(frame, info, nearLossless);
        }

        var length = info.PixelCount * info.SamplesPerPixel * sampleBytes;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, checked((int)info.NativeFrameLength)));
        try
        {
            var prepared = buffer.AsSpan(0, checked((int)info.NativeFrameLength));
            SampleLayout.CopyNormalized(frame, prepared, info.SamplesPerPixel, planar, info.BytesPerSample, info.BitsStored, signed: false);
            if (sampleBytes < info.BytesPerSample)
            {
                Narrow(prepared, buffer.AsSpan(0, length));
            }

            return EncodeSamples(buffer.AsSpan(0, length), info, nearLossless);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>16-bit containers holding at most 8 significant bits to bytes, in place (the destination starts where the source does).</summary>
    private static void Narrow(ReadOnlySpan<byte> wide, Span<byte> narrow)
    {
        for (var i = 0; i < narrow.Length; i++)
        {
            narrow[i] = wide[2 * i];
        }
    }

    private static byte[] EncodeSamples(ReadOnlySpan<byte> samples, FrameInfo info, int nearLossless)
    {
        using var encoder = NativeCharLS.CreateEncoder();
        if (encoder.IsInvalid)
        {
            throw new DicomCodecException("CharLS: charls_jpegls_encoder_create failed");
        }

        var frameInfo = new CharLSFrameInfo
        {
            Width = (uint)info.Columns,
            Height = (uint)info.Rows,
            BitsPerSample = info.BitsStored,
            ComponentCount = info.SamplesPerPixel,
        };
        NativeCharLS.Check(NativeCharLS.SetFrameInfo(encoder, &frameInfo), "setting the frame info");
        NativeCharLS.Check(NativeCharLS.SetNearLossless(encoder, nearLossless), "setting NEAR");
        if (info.SamplesPerPixel > 1)
        {
            NativeCharLS.Check(NativeCharLS.SetInterleaveMode(encoder, NativeCharLS.InterleaveSample), "setting the interleave mode");
        }

        nuint estimated;
        NativeCharLS.Check(NativeCharLS.GetEstimatedDestinationSize(encoder, &estimated), "estimating the destination size");
        var destination = ArrayPool<byte>.Shared.Rent(checked((int)estimated));
        try
        {
            nuint written;
            fixed (byte* target = destination)
            fixed (byte* source = samples)
            {
                NativeCharLS.Check(NativeCharLS.SetDestinationBuffer(encoder, target, (nuint)destination.Length), "setting the destination buffer");
                NativeCharLS.Check(NativeCharLS.EncodeFromBuffer(encoder, source, (nuint)samples.Length, 0), "encoding");
                NativeCharLS.Check(NativeCharLS.GetBytesWritten(encoder, &written), "reading the encoded size");
            }

            return destination.AsSpan(0, checked((int)written)).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(destination);
        }
    }
}
