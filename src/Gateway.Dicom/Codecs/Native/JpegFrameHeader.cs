using System.Buffers.Binary;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>The start-of-frame segment of a JPEG (ITU T.81) stream: which process and sample precision it uses.</summary>
internal readonly record struct JpegFrameHeader(byte Marker, int Precision)
{
    /// <summary>SOF3, SOF7, SOF11, SOF15: the lossless processes.</summary>
    public bool IsLossless => (Marker & 0x03) == 0x03;

    /// <summary>Finds the first SOFn segment after SOI, skipping the other marker segments.</summary>
    /// <exception cref="DicomCodecException">No SOI, or no frame header before the first scan or the end.</exception>
    public static JpegFrameHeader Read(ReadOnlySpan<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            throw new DicomCodecException("The frame is not a JPEG stream: it does not start with an SOI marker (FFD8).");
        }

        var position = 2;
        while (position + 4 <= jpeg.Length)
        {
            if (jpeg[position] != 0xFF)
            {
                break;
            }

            var marker = jpeg[position + 1];
            if (marker == 0xFF)
            {
                position++; // fill byte
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg[(position + 2)..]);
            if (IsStartOfFrame(marker) && position + 4 < jpeg.Length)
            {
                return new JpegFrameHeader(marker, jpeg[position + 4]);
            }

            if (marker == 0xDA)
            {
                break; // start of scan before any frame header
            }

            position += 2 + length;
        }

        throw new DicomCodecException("The JPEG stream has no frame header (SOFn) before its first scan.");
    }

    /// <summary>C0-CF except DHT (C4), JPG (C8) and DAC (CC).</summary>
    private static bool IsStartOfFrame(byte marker) =>
        marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
}
