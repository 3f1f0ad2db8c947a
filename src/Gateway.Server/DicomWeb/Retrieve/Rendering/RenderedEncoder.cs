using Gateway.Dicom;
using Gateway.Dicom.Codecs;
using Gateway.Dicom.Imaging;
using Gateway.Server.DicomWeb.Http;

namespace Gateway.Server.DicomWeb.Retrieve.Rendering;

/// <summary>Encodes rendered images as the consumer formats the gateway serves: JPEG (libjpeg-turbo) and PNG.</summary>
internal static class RenderedEncoder
{
    private static readonly JpegBaselineCodec Jpeg = new();

    /// <summary>The first of image/jpeg (the default for */* and image/*) and image/png that a request accepts; null for 406.</summary>
    public static string? Choose(IReadOnlyList<RequestedRepresentation> requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        foreach (var representation in requested)
        {
            if (representation.Admits(DicomMediaTypes.Jpeg))
            {
                return DicomMediaTypes.Jpeg;
            }

            if (representation.Admits(DicomMediaTypes.Png))
            {
                return DicomMediaTypes.Png;
            }
        }

        return null;
    }

    public static byte[] Encode(RenderedImage image, string mediaType, int quality)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (mediaType == DicomMediaTypes.Png)
        {
            return PngWriter.Write(image);
        }

        var info = new FrameInfo(image.Height, image.Width, image.Samples, 8, 8, false, image.Samples == 1 ? "MONOCHROME2" : "RGB");
        return Jpeg.Encode(image.Pixels, DicomTransferSyntax.JpegBaseline, info, new EncodeOptions { JpegQuality = quality });
    }
}
