using System.Buffers;
using System.Runtime.InteropServices;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>
/// Encodes one 8-bit frame as baseline JPEG (process 1) with TurboJPEG and the accurate integer DCT: grayscale as
/// one component; RGB converted to YCbCr with 4:2:2 chroma subsampling (JFIF), i.e. YBR_FULL_422 as PS3.5
/// section 8.2.1 describes.
/// </summary>
internal static unsafe class TurboJpegEncoder
{
    public static byte[] Encode(ReadOnlySpan<byte> native, FrameInfo info, int quality)
    {
        var colour = info.SamplesPerPixel == 3;
        var subsampling = colour ? NativeTurboJpeg.Subsampling422 : NativeTurboJpeg.SubsamplingGray;
        var pixelFormat = colour ? NativeTurboJpeg.PixelFormatRgb : NativeTurboJpeg.PixelFormatGray;
        var frame = native[..checked((int)info.NativeFrameLength)];

        byte[]? interleaved = null;
        if (colour && info.PlanarConfiguration == PlanarConfiguration.Planar)
        {
            interleaved = ArrayPool<byte>.Shared.Rent(frame.Length);
            SampleLayout.PlanarToInterleaved(frame, interleaved, 3, 1);
            frame = interleaved.AsSpan(0, frame.Length);
        }

        using var handle = NativeTurboJpeg.InitCompress();
        if (handle.IsInvalid)
        {
            throw new DicomCodecException("libjpeg-turbo: tjInitCompress failed");
        }

        var capacity = checked((int)NativeTurboJpeg.BufferSize(info.Columns, info.Rows, subsampling).Value);
        var output = ArrayPool<byte>.Shared.Rent(capacity);
        try
        {
            fixed (byte* source = frame)
            fixed (byte* destination = output)
            {
                var jpeg = destination;
                var size = new CULong((nuint)output.Length);
                var flags = NativeTurboJpeg.FlagAccurateDct | NativeTurboJpeg.FlagNoRealloc;
                if (NativeTurboJpeg.Compress(handle, source, info.Columns, 0, info.Rows, pixelFormat, &jpeg, &size, subsampling, quality, flags) != 0)
                {
                    throw NativeTurboJpeg.Error(handle, "encoding");
                }

                return new ReadOnlySpan<byte>(jpeg, checked((int)size.Value)).ToArray();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
            if (interleaved is not null)
            {
                ArrayPool<byte>.Shared.Return(interleaved);
            }
        }
    }
}
