using System.Buffers;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>Decodes one JPEG-LS frame with CharLS into the native frame layout.</summary>
internal static unsafe class CharLSDecoder
{
    public static DecodedFrame Decode(ReadOnlySpan<byte> encoded, FrameInfo info)
    {
        using var decoder = NativeCharLS.CreateDecoder();
        if (decoder.IsInvalid)
        {
            throw new DicomCodecException("CharLS: charls_jpegls_decoder_create failed");
        }

        var output = GC.AllocateUninitializedArray<byte>(checked((int)info.NativeFrameLength)); // every byte is written below
        int colourTransformation;
        fixed (byte* source = encoded)
        {
            NativeCharLS.Check(NativeCharLS.SetSourceBuffer(decoder, source, (nuint)encoded.Length), "setting the source buffer");
            NativeCharLS.Check(NativeCharLS.ReadHeader(decoder), "reading the JPEG-LS header");

            CharLSFrameInfo frame;
            int interleave;
            nuint size;
            NativeCharLS.Check(NativeCharLS.GetFrameInfo(decoder, &frame), "reading the frame info");
            NativeCharLS.Check(NativeCharLS.GetInterleaveMode(decoder, &interleave), "reading the interleave mode");
            NativeCharLS.Check(NativeCharLS.GetColorTransformation(decoder, &colourTransformation), "reading the colour transformation");
            NativeCharLS.Check(NativeCharLS.GetDestinationSize(decoder, 0, &size), "computing the destination size");
            CheckGeometry(frame, info);

            // CharLS writes bytes for 2-8 bit samples and 16-bit words for 9-16 bit ones; colour comes out
            // pixel-interleaved for ILV line and sample, plane by plane for ILV none.
            var sampleBytes = frame.BitsPerSample <= 8 ? 1 : 2;
            var planar = interleave == NativeCharLS.InterleaveNone && info.SamplesPerPixel > 1;
            if (sampleBytes == info.BytesPerSample && !planar && size == (nuint)output.Length)
            {
                fixed (byte* destination = output)
                {
                    NativeCharLS.Check(NativeCharLS.DecodeToBuffer(decoder, destination, size, 0), "decoding");
                }
            }
            else
            {
                DecodeAndConvert(decoder, size, sampleBytes, planar, info, output);
            }

            if (frame.BitsPerSample > info.BitsStored)
            {
                // JPEG-LS samples are unsigned bit patterns; keep them as such (DCMTK and GDCM do the same).
                SampleLayout.NormalizeInPlace(output, info.BytesPerSample, info.BitsStored, signed: false);
            }
        }

        // CharLS undoes an HP colour transformation (a JPEG-LS extension) itself, so such frames are RGB.
        return new DecodedFrame(output, colourTransformation != 0 ? "RGB" : info.PhotometricInterpretation);
    }

    private static void CheckGeometry(CharLSFrameInfo frame, FrameInfo info)
    {
        if (frame.Width != info.Columns || frame.Height != info.Rows || frame.ComponentCount != info.SamplesPerPixel)
        {
            throw new DicomCodecException(
                $"The JPEG-LS frame is {frame.Width} x {frame.Height} with {frame.ComponentCount} components " +
                $"but the frame should be {info.Columns} x {info.Rows} with {info.SamplesPerPixel}.");
        }

        if (frame.BitsPerSample > info.BitsAllocated)
        {
            throw new DicomCodecException(
                $"The JPEG-LS frame has {frame.BitsPerSample}-bit samples, more than Bits Allocated ({info.BitsAllocated}).");
        }
    }

    private static void DecodeAndConvert(CharLSDecoderHandle decoder, nuint size, int sampleBytes, bool planar, FrameInfo info, Span<byte> output)
    {
        var length = checked((int)size);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            fixed (byte* destination = buffer)
            {
                NativeCharLS.Check(NativeCharLS.DecodeToBuffer(decoder, destination, size, 0), "decoding");
            }

            var decoded = buffer.AsSpan(0, length);
            if (planar)
            {
                var interleaved = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    SampleLayout.PlanarToInterleaved(decoded, interleaved, info.SamplesPerPixel, sampleBytes);
                    Store(interleaved.AsSpan(0, length), sampleBytes, output);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(interleaved);
                }
            }
            else
            {
                Store(decoded, sampleBytes, output);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Store(ReadOnlySpan<byte> samples, int sampleBytes, Span<byte> output)
    {
        if (sampleBytes == 1 && output.Length == samples.Length * 2)
        {
            SampleLayout.Widen(samples, output);
        }
        else
        {
            samples.CopyTo(output);
        }
    }
}
