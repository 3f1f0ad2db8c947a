namespace Gateway.Dicom.Imaging;

/// <summary>
/// Writes the stored values of every frame as raw bytes: little endian, frame after frame, samples interleaved.
/// BitsAllocated 1 gives one byte (0 or 1) per pixel. Colour comes out as RGB: native YBR_FULL and YBR_FULL_422
/// are converted with the full-range formula of PS3.3 C.7.6.3.1.2 / ISO/IEC 10918-5; compressed colour frames
/// are as their decoder produces them (JPEG and JPEG 2000 decoders apply the colour transform). PALETTE COLOR
/// gives the stored indices.
/// </summary>
public static class StoredPixelValues
{
    public static void Write(DicomPixelData pixelData, Stream output, DicomCodecRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(pixelData);
        ArgumentNullException.ThrowIfNull(output);
        for (var i = 0; i < pixelData.NumberOfFrames; i++)
        {
            output.Write(Frame(pixelData, i, registry));
        }
    }

    public static byte[] Frame(DicomPixelData pixelData, int index, DicomCodecRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(pixelData);
        var info = pixelData.Info;
        var decoded = FrameDecoder.Decode(pixelData, index, registry);
        if (info.BitsAllocated == 1)
        {
            return UnpackBits(decoded.Data, info.PixelCount * info.SamplesPerPixel);
        }

        return decoded.PhotometricInterpretation switch
        {
            "YBR_FULL" when info.SamplesPerPixel == 3 && info.BitsAllocated == 8 => YbrToRgb(decoded.Data),
            "YBR_FULL_422" when info.SamplesPerPixel == 3 && info.BitsAllocated == 8 => YbrToRgb(decoded.Data),
            _ => decoded.Data,
        };
    }

    private static byte[] UnpackBits(ReadOnlySpan<byte> packed, int count)
    {
        var result = new byte[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = (byte)((packed[i >> 3] >> (i & 7)) & 1);
        }

        return result;
    }

    /// <summary>Full-range YCbCr to RGB in single precision, rounding half up and clipping to 0..255.</summary>
    private static byte[] YbrToRgb(ReadOnlySpan<byte> ybr)
    {
        const float CbToG = (float)(-0.114 * 1.772 / 0.587);
        const float CrToG = (float)(-0.299 * 1.402 / 0.587);
        const float CbToB = 1.772f;
        const float CrToR = 1.402f;
        var rgb = new byte[ybr.Length];
        for (var i = 0; i + 2 < ybr.Length; i += 3)
        {
            float y = ybr[i];
            float cb = ybr[i + 1] - 128f;
            float cr = ybr[i + 2] - 128f;
            rgb[i] = Clip(y + (cr * CrToR));
            rgb[i + 1] = Clip(y + (cb * CbToG) + (cr * CrToG));
            rgb[i + 2] = Clip(y + (cb * CbToB));
        }

        return rgb;
    }

    private static byte Clip(float value) => (byte)Math.Clamp(MathF.Floor(value + 0.5f), 0f, 255f);
}
