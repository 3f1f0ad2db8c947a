using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>Decodes one JPEG 2000 or HTJ2K frame (raw codestream or JP2 file) with OpenJPEG.</summary>
internal static unsafe class OpenJpegDecoder
{
    public static DecodedFrame Decode(ReadOnlySpan<byte> encoded, FrameInfo info, int threads)
    {
        var format = J2kCodestream.DetectFormat(encoded);
        var output = GC.AllocateUninitializedArray<byte>(checked((int)info.NativeFrameLength)); // every byte is written below
        fixed (byte* data = encoded)
        {
            var state = new OpenJpegReadState { Data = data, Length = encoded.Length };
            using var stream = OpenJpegMemoryStreams.CreateReader(&state);
            using var codec = NativeOpenJpeg.CreateDecompress(format);
            if (codec.IsInvalid)
            {
                throw new DicomCodecException("OpenJPEG: opj_create_decompress failed");
            }

            using var errors = new OpenJpegErrorLog(codec);
            OpjDecoderParameters parameters;
            NativeOpenJpeg.SetDefaultDecoderParameters(&parameters);
            errors.Check(NativeOpenJpeg.SetupDecoder(codec, &parameters), "opj_setup_decoder");
            OpenJpegThreads.Apply(codec, threads, errors);

            var headerRead = NativeOpenJpeg.ReadHeader(stream, codec, out var image);
            using (image)
            {
                errors.Check(headerRead, "reading the codestream header");
                CheckGeometry(image.Image, info);
                errors.Check(NativeOpenJpeg.Decode(codec, stream, image), "decoding the codestream");
                errors.Check(NativeOpenJpeg.EndDecompress(codec, stream), "finishing the decode");
                StoreComponents(image.Image, info, output);
            }
        }

        var colourTransformed = info.SamplesPerPixel == 3
            && (J2kCodestream.UsesComponentTransform(encoded) || IsJpeg2000ColourTransform(info.PhotometricInterpretation));
        return new DecodedFrame(output, colourTransformed ? "RGB" : info.PhotometricInterpretation);
    }

    private static bool IsJpeg2000ColourTransform(string photometric) =>
        photometric is "YBR_RCT" or "YBR_ICT";

    private static void CheckGeometry(OpjImage* image, FrameInfo info)
    {
        if (image->ComponentCount != info.SamplesPerPixel)
        {
            throw new DicomCodecException(
                $"The JPEG 2000 codestream has {image->ComponentCount} components but Samples per Pixel is {info.SamplesPerPixel}.");
        }

        for (var c = 0; c < info.SamplesPerPixel; c++)
        {
            var component = image->Components[c];
            if (component.Width != info.Columns || component.Height != info.Rows || component.Dx != 1 || component.Dy != 1)
            {
                throw new DicomCodecException(
                    $"JPEG 2000 component {c} is {component.Width} x {component.Height} (subsampling {component.Dx} x {component.Dy}) " +
                    $"but the frame is {info.Columns} x {info.Rows}.");
            }

            if (component.Precision is 0 or > 16)
            {
                throw new DicomCodecException($"JPEG 2000 component {c} has {component.Precision}-bit samples; only 1 to 16 bits are supported.");
            }
        }
    }

    /// <summary>
    /// Copies the decoded components into the native frame. The samples keep their bit pattern within Bits Stored
    /// and follow the DICOM header's Pixel Representation, whatever the codestream's SIZ says. One exception, the
    /// same correction pydicom applies on top of GDCM: when the codestream is unsigned but the header says signed,
    /// the sign is taken from the codestream's top bit (its precision) when that is narrower than Bits Stored.
    /// </summary>
    private static void StoreComponents(OpjImage* image, FrameInfo info, Span<byte> output)
    {
        var pixels = info.PixelCount;
        Span<int> bits = stackalloc int[info.SamplesPerPixel];
        for (var c = 0; c < info.SamplesPerPixel; c++)
        {
            var component = image->Components[c];
            if (component.Data is null)
            {
                throw new DicomCodecException($"OpenJPEG decoded no samples for component {c}.");
            }

            bits[c] = info.IsSigned && component.Signed == 0 ? Math.Min(info.BitsStored, (int)component.Precision) : info.BitsStored;
        }

        if (info.SamplesPerPixel == 3)
        {
            SampleLayout.StoreThreeComponents(
                Samples(image, 0, pixels), Samples(image, 1, pixels), Samples(image, 2, pixels), output, info.BytesPerSample,
                bits[0], bits[1], bits[2], info.IsSigned);
            return;
        }

        SampleLayout.StoreSingleComponent(Samples(image, 0, pixels), output, info.BytesPerSample, bits[0], info.IsSigned);
    }

    private static ReadOnlySpan<int> Samples(OpjImage* image, int component, int pixels) =>
        new(image->Components[component].Data, pixels);
}
