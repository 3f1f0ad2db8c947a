using System.Runtime.InteropServices;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>
/// Decodes one 8-bit DCT JPEG frame with TurboJPEG, using the accurate integer IDCT (islow) and libjpeg's default
/// ("fancy") chroma upsampling, the settings IJG-based decoders (DCMTK, GDCM) use, so the output matches theirs bit
/// for bit. Colour frames become RGB: libjpeg's colour-space rule decides whether the stream holds YCbCr (JFIF marker,
/// Adobe APP14 transform 1, or no marker and component ids other than 'R','G','B') or RGB (Adobe transform 0, or
/// ids 'R','G','B').
/// </summary>
internal static unsafe class TurboJpegDecoder
{
    public static DecodedFrame Decode(ReadOnlySpan<byte> encoded, FrameInfo info)
    {
        var header = JpegFrameHeader.Read(encoded);
        if (header.IsLossless)
        {
            throw new DicomCodecException($"The frame is lossless JPEG (SOF marker FF{header.Marker:X2}), not a DCT-based baseline or extended one.");
        }

        if (header.Precision != 8)
        {
            throw new DicomCodecException(
                $"The frame is {header.Precision}-bit JPEG (SOF marker FF{header.Marker:X2}); libjpeg-turbo 2.1's TurboJPEG API decodes only 8-bit JPEG, " +
                "so 12-bit JPEG Extended (process 4) frames need the managed 12-bit DCT decoder.");
        }

        if (info.BitsAllocated != 8 || info.SamplesPerPixel is not (1 or 3) || info.Rows <= 0 || info.Columns <= 0)
        {
            throw new DicomCodecException(
                $"An 8-bit JPEG frame must be decoded into 8-bit containers with 1 or 3 samples; the frame has {info.SamplesPerPixel} " +
                $"samples in {info.BitsAllocated}-bit containers.");
        }

        using var handle = NativeTurboJpeg.InitDecompress();
        if (handle.IsInvalid)
        {
            throw new DicomCodecException("libjpeg-turbo: tjInitDecompress failed");
        }

        var output = GC.AllocateUninitializedArray<byte>(checked((int)info.NativeFrameLength)); // every byte is written below
        fixed (byte* source = encoded)
        fixed (byte* destination = output)
        {
            var size = new CULong((nuint)encoded.Length);
            int width, height, subsampling, colourSpace;
            if (NativeTurboJpeg.DecompressHeader(handle, source, size, &width, &height, &subsampling, &colourSpace) != 0)
            {
                throw NativeTurboJpeg.Error(handle, "reading the JPEG header");
            }

            var pixelFormat = PixelFormatFor(info, width, height, colourSpace);
            if (NativeTurboJpeg.Decompress(handle, source, size, destination, width, 0, height, pixelFormat, NativeTurboJpeg.FlagAccurateDct) != 0
                && NativeTurboJpeg.GetErrorCode(handle) != NativeTurboJpeg.ErrorWarning)
            {
                throw NativeTurboJpeg.Error(handle, "decoding");
            }

            // A warning (e.g. a truncated or padded stream) still leaves a complete image, as with IJG decoders.
        }

        SampleLayout.NormalizeInPlace(output, 1, info.BitsStored, info.IsSigned);
        return new DecodedFrame(output, info.SamplesPerPixel == 3 ? "RGB" : info.PhotometricInterpretation);
    }

    private static int PixelFormatFor(FrameInfo info, int width, int height, int colourSpace)
    {
        if (width != info.Columns || height != info.Rows)
        {
            throw new DicomCodecException($"The JPEG frame is {width} x {height} but the frame should be {info.Columns} x {info.Rows}.");
        }

        return (info.SamplesPerPixel, colourSpace) switch
        {
            (1, NativeTurboJpeg.ColorSpaceGray) => NativeTurboJpeg.PixelFormatGray,
            (3, NativeTurboJpeg.ColorSpaceYCbCr or NativeTurboJpeg.ColorSpaceRgb) => NativeTurboJpeg.PixelFormatRgb,
            _ => throw new DicomCodecException(
                $"The JPEG frame's colour space (TurboJPEG TJCS {colourSpace}) does not fit {info.SamplesPerPixel} samples per pixel."),
        };
    }
}
