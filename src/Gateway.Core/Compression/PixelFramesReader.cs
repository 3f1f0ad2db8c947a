using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Core.Compression;

/// <summary>Decodes the stored values of every frame of a single-sample instance (any transfer syntax) into <see cref="PixelFrames"/>.</summary>
public static class PixelFramesReader
{
    /// <summary>
    /// The frames, or null with the reason when the latent engine cannot take them: more than one sample per
    /// pixel, float pixel data, BitsAllocated other than 8 or 16, or a High Bit that is not BitsStored - 1.
    /// </summary>
    public static PixelFrames? Read(DicomDataset dataset, DicomPixelData pixelData, DicomCodecRegistry registry, out string? unsupported)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(pixelData);
        var info = pixelData.Info;
        unsupported = info switch
        {
            _ when !dataset.Contains(DicomTags.PixelData) => "float pixel data",
            { SamplesPerPixel: not 1 } => $"{info.SamplesPerPixel} samples per pixel",
            { BitsAllocated: not (8 or 16) } => $"BitsAllocated {info.BitsAllocated}",
            _ when info.BitsStored < 1 || info.BitsStored > info.BitsAllocated => $"BitsStored {info.BitsStored}",
            _ when dataset.GetValueOrDefault(DicomTags.HighBit, info.BitsStored - 1) != info.BitsStored - 1 => "High Bit is not BitsStored - 1",
            _ => null,
        };
        if (unsupported is not null)
        {
            return null;
        }

        var values = new int[checked(info.PixelCount * pixelData.NumberOfFrames)];
        for (var frame = 0; frame < pixelData.NumberOfFrames; frame++)
        {
            var decoded = FrameDecoder.Decode(pixelData, frame, registry).Data;
            NativeSamples.ToValues(decoded, info, values.AsSpan(frame * info.PixelCount, info.PixelCount));
        }

        return new PixelFrames(info.Rows, info.Columns, pixelData.NumberOfFrames, info.BitsAllocated, info.BitsStored, info.IsSigned, values);
    }
}
