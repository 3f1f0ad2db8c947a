using System.Runtime.InteropServices;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>
/// Encodes one frame as a raw JPEG 2000 codestream (no JP2 wrapper, as PS3.5 A.4.4 requires) with OpenJPEG:
/// one quality layer, LRCP, 64 x 64 code blocks, up to 5 decomposition levels.
/// </summary>
internal static unsafe class OpenJpegEncoder
{
    private const int MaxResolutions = 6;

    /// <param name="compressionRatio">
    /// 0 for lossless (reversible 5/3 wavelet, RCT for colour); otherwise the irreversible 9/7 wavelet (ICT for colour)
    /// aiming at native frame bytes / codestream bytes = this ratio.
    /// </param>
    public static byte[] Encode(ReadOnlySpan<byte> native, FrameInfo info, bool componentTransform, double compressionRatio, int threads)
    {
        var components = info.SamplesPerPixel;
        var parametersPerComponent = stackalloc OpjImageComponentParameters[components];
        for (var c = 0; c < components; c++)
        {
            parametersPerComponent[c] = new OpjImageComponentParameters
            {
                Dx = 1,
                Dy = 1,
                Width = (uint)info.Columns,
                Height = (uint)info.Rows,
                Precision = (uint)info.BitsStored,
                Signed = info.IsSigned ? 1u : 0u,
            };
        }

        var colourSpace = components == 1 ? NativeOpenJpeg.ColorSpaceGray : NativeOpenJpeg.ColorSpaceSrgb;
        using var image = NativeOpenJpeg.CreateImage((uint)components, parametersPerComponent, colourSpace);
        if (image.IsInvalid)
        {
            throw new DicomCodecException("OpenJPEG: opj_image_create failed (out of memory?)");
        }

        var img = image.Image;
        img->X0 = 0;
        img->Y0 = 0;
        img->X1 = (uint)info.Columns;
        img->Y1 = (uint)info.Rows;
        var planar = info.PlanarConfiguration == PlanarConfiguration.Planar;
        for (var c = 0; c < components; c++)
        {
            var destination = new Span<int>(img->Components[c].Data, info.PixelCount);
            SampleLayout.LoadComponent(native, destination, c, components, planar, info.BytesPerSample, info.BitsStored, info.IsSigned);
        }

        var lossy = compressionRatio > 0;
        OpjEncoderParameters parameters;
        NativeOpenJpeg.SetDefaultEncoderParameters(&parameters);
        parameters.LayerCount = 1;
        parameters.RateAllocation = 1;
        parameters.FirstLayerRate = lossy ? OpenJpegRate(compressionRatio, info) : 0;
        parameters.Irreversible = lossy ? 1 : 0;
        parameters.MultipleComponentTransform = componentTransform ? (byte)1 : (byte)0;
        parameters.ResolutionCount = ResolutionsFor(info.Columns, info.Rows);

        using var codec = NativeOpenJpeg.CreateCompress(NativeOpenJpeg.CodecJ2K);
        if (codec.IsInvalid)
        {
            throw new DicomCodecException("OpenJPEG: opj_create_compress failed");
        }

        using var errors = new OpenJpegErrorLog(codec);
        errors.Check(NativeOpenJpeg.SetupEncoder(codec, &parameters, image), "opj_setup_encoder");
        OpenJpegThreads.Apply(codec, threads, errors);

        var expected = lossy ? info.NativeFrameLength / compressionRatio : info.NativeFrameLength / 2.0;
        var state = new OpenJpegWriteState { Capacity = (long)Math.Clamp(expected + 4096, 4096, Array.MaxLength) };
        state.Data = (byte*)NativeMemory.Alloc((nuint)state.Capacity);
        try
        {
            using (var stream = OpenJpegMemoryStreams.CreateWriter(&state))
            {
                errors.Check(NativeOpenJpeg.StartCompress(codec, image, stream), "opj_start_compress");
                errors.Check(NativeOpenJpeg.Encode(codec, stream), "encoding");
                errors.Check(NativeOpenJpeg.EndCompress(codec, stream), "opj_end_compress");
            }

            return state.ToArray();
        }
        finally
        {
            state.Free();
        }
    }

    /// <summary>
    /// OpenJPEG's rate is relative to samples of Precision bits (numcomps * prec * pixels / 8 bytes); the
    /// option's ratio is relative to the native frame with its BitsAllocated containers. A rate of 1 or less
    /// keeps every coding pass.
    /// </summary>
    private static float OpenJpegRate(double compressionRatio, FrameInfo info)
    {
        var rate = compressionRatio * info.BitsStored / (8.0 * info.BytesPerSample);
        return rate <= 1 ? 0 : (float)rate;
    }

    /// <summary>The smallest resolution must still be at least one sample wide and high.</summary>
    private static int ResolutionsFor(int columns, int rows)
    {
        var resolutions = MaxResolutions;
        while (resolutions > 1 && (1 << (resolutions - 1)) > Math.Min(columns, rows))
        {
            resolutions--;
        }

        return resolutions;
    }
}
