using System.Buffers.Binary;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Server.DicomWeb.Retrieve.Rendering;

/// <summary>
/// Renders one frame for display (PS3.18 8.3.5.1 rendered resources): grey images through the Modality LUT and a
/// window (the request's, else the header's first Window Center/Width, else the frame's min-max), MONOCHROME1
/// inverted so that the result is MONOCHROME2; colour images as RGB, scaled to 8 bits.
/// </summary>
internal static class FrameRenderer
{
    public static RenderedImage Render(DicomDataset dataset, DicomPixelData pixelData, int index, VoiWindow? window, DicomCodecRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(pixelData);
        var info = pixelData.Info;
        if (info.BitsAllocated > 32 || dataset.Contains(DicomTags.FloatPixelData))
        {
            throw new DicomException("Float pixel data cannot be rendered.");
        }

        var values = StoredPixelValues.Frame(pixelData, index, registry);
        return info.SamplesPerPixel == 1
            ? RenderGrey(dataset, info, values, window)
            : new RenderedImage(info.Columns, info.Rows, 3, ColourTo8Bits(values, info));
    }

    private static RenderedImage RenderGrey(DicomDataset dataset, FrameInfo info, byte[] values, VoiWindow? window)
    {
        var sampleInfo = info.BitsAllocated == 1 ? info with { BitsAllocated = 8, BitsStored = 1, IsSigned = false } : info;
        var modality = ModalityLut.Create(dataset).Apply(values, sampleInfo);
        window ??= HeaderWindow(dataset) ?? MinMaxWindow(modality);
        var pixels = new byte[modality.Length];
        var invert = info.PhotometricInterpretation == "MONOCHROME1";
        for (var i = 0; i < modality.Length; i++)
        {
            var shown = window.Apply(modality[i]);
            pixels[i] = invert ? (byte)(255 - shown) : shown;
        }

        return new RenderedImage(info.Columns, info.Rows, 1, pixels);
    }

    private static VoiWindow? HeaderWindow(DicomDataset dataset)
    {
        if (!dataset.TryGetValue<double>(DicomTags.WindowCenter, 0, out var center)
            || !dataset.TryGetValue<double>(DicomTags.WindowWidth, 0, out var width) || width <= 0)
        {
            return null;
        }

        return VoiWindow.TryParseFunction(dataset.GetString(DicomTags.VOILUTFunction), out var function)
            ? new VoiWindow(center, width, function)
            : new VoiWindow(center, width, VoiFunction.Linear);
    }

    private static VoiWindow MinMaxWindow(double[] values)
    {
        if (values.Length == 0)
        {
            return new VoiWindow(0.5, 1, VoiFunction.LinearExact);
        }

        var min = values.Min();
        var max = values.Max();
        return new VoiWindow((min + max) / 2, Math.Max(max - min, 1), VoiFunction.LinearExact);
    }

    private static byte[] ColourTo8Bits(byte[] values, FrameInfo info)
    {
        var count = info.PixelCount * 3;
        if (info.BitsAllocated == 8)
        {
            return values.Length == count ? values : values[..count];
        }

        var shift = Math.Max(0, info.BitsStored - 8);
        var result = new byte[count];
        for (var i = 0; i < count; i++)
        {
            var value = info.BytesPerSample == 2
                ? BinaryPrimitives.ReadUInt16LittleEndian(values.AsSpan(i * 2))
                : BinaryPrimitives.ReadUInt32LittleEndian(values.AsSpan(i * 4));
            result[i] = (byte)Math.Min(255u, value >> shift);
        }

        return result;
    }
}
