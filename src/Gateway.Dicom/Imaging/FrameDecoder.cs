namespace Gateway.Dicom.Imaging;

/// <summary>Turns any frame, native or encapsulated, into native pixel data.</summary>
public static class FrameDecoder
{
    /// <summary>
    /// The frame as native data with samples interleaved: native frames as stored (colour-by-plane rearranged),
    /// encapsulated frames decoded by the registry's codec (layout rules of <see cref="DecodedFrame"/>).
    /// </summary>
    public static DecodedFrame Decode(DicomPixelData pixelData, int index, DicomCodecRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(pixelData);
        ArgumentNullException.ThrowIfNull(registry);
        if (!pixelData.IsEncapsulated)
        {
            var native = pixelData.GetNativeFrame(index).Span;
            if (pixelData.IsNativeYbr422)
            {
                return new DecodedFrame(FrameLayout.ExpandYbr422(native, pixelData.Info), "YBR_FULL");
            }

            return new DecodedFrame(
                pixelData.Info.BitsAllocated == 1 ? native.ToArray() : FrameLayout.ToInterleaved(native, pixelData.Info),
                pixelData.Info.PhotometricInterpretation);
        }

        var codec = registry.Get(pixelData.TransferSyntax);
        try
        {
            return codec.Decode(pixelData.GetEncodedFrame(index).Span, pixelData.TransferSyntax, pixelData.Info);
        }
        catch (DicomCodecException exception)
        {
            throw new DicomCodecException($"Frame {index + 1} of {pixelData.NumberOfFrames} ({pixelData.TransferSyntax.Name}): {exception.Message}", exception);
        }
    }
}
