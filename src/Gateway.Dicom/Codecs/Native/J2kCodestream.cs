using System.Buffers.Binary;

namespace Gateway.Dicom.Codecs.Native;

/// <summary>
/// The little a JPEG 2000 codec needs to know about a frame before OpenJPEG reads it: whether it is a raw
/// codestream (what DICOM specifies) or one wrapped in a JP2 file (some writers do that), and whether the main
/// header's COD segment switches on the multiple component transform.
/// </summary>
internal static class J2kCodestream
{
    private const ushort StartOfCodestream = 0xFF4F;
    private const ushort ImageAndTileSize = 0xFF51;
    private const ushort CodingStyleDefault = 0xFF52;
    private const ushort StartOfTile = 0xFF90;
    private const uint ContiguousCodestreamBox = 0x6A703263; // 'jp2c'

    /// <summary>The 12-byte JPEG 2000 signature box that starts every JP2 file.</summary>
    private static ReadOnlySpan<byte> Jp2Signature => [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A];

    /// <summary>OPJ_CODEC_J2K or OPJ_CODEC_JP2 for the frame's first bytes.</summary>
    /// <exception cref="DicomCodecException">The bytes are neither.</exception>
    public static int DetectFormat(ReadOnlySpan<byte> frame)
    {
        if (frame.Length >= 4
            && BinaryPrimitives.ReadUInt16BigEndian(frame) == StartOfCodestream
            && BinaryPrimitives.ReadUInt16BigEndian(frame[2..]) == ImageAndTileSize)
        {
            return NativeOpenJpeg.CodecJ2K;
        }

        if (frame.StartsWith(Jp2Signature))
        {
            return NativeOpenJpeg.CodecJP2;
        }

        var head = Convert.ToHexString(frame[..Math.Min(frame.Length, 8)]);
        throw new DicomCodecException($"The frame is neither a JPEG 2000 codestream (FF4FFF51...) nor a JP2 file; it starts with {head}.");
    }

    /// <summary>
    /// Whether the main header's COD segment selects a multiple component transform (RCT with the 5/3 wavelet,
    /// ICT with the 9/7 one). A tile-part COD could override it per tile; DICOM encoders do not do that.
    /// </summary>
    public static bool UsesComponentTransform(ReadOnlySpan<byte> frame)
    {
        var codestream = frame.StartsWith(Jp2Signature) ? FindContiguousCodestream(frame) : frame;
        if (codestream.Length < 2 || BinaryPrimitives.ReadUInt16BigEndian(codestream) != StartOfCodestream)
        {
            return false;
        }

        var position = 2;
        while (position + 4 <= codestream.Length)
        {
            var marker = BinaryPrimitives.ReadUInt16BigEndian(codestream[position..]);
            if (marker == StartOfTile)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(codestream[(position + 2)..]);
            if (marker == CodingStyleDefault)
            {
                // Lcod(2) Scod(1) SGcod: progression order(1), layers(2), multiple component transform(1).
                var mct = position + 8;
                return mct < codestream.Length && codestream[mct] != 0;
            }

            position += 2 + length;
        }

        return false;
    }

    private static ReadOnlySpan<byte> FindContiguousCodestream(ReadOnlySpan<byte> file)
    {
        var position = 0;
        while (position + 8 <= file.Length)
        {
            long boxLength = BinaryPrimitives.ReadUInt32BigEndian(file[position..]);
            var type = BinaryPrimitives.ReadUInt32BigEndian(file[(position + 4)..]);
            var headerLength = 8;
            if (boxLength == 1)
            {
                if (position + 16 > file.Length)
                {
                    break;
                }

                boxLength = (long)BinaryPrimitives.ReadUInt64BigEndian(file[(position + 8)..]);
                headerLength = 16;
            }
            else if (boxLength == 0)
            {
                boxLength = file.Length - position;
            }

            if (type == ContiguousCodestreamBox)
            {
                return file[(position + headerLength)..];
            }

            if (boxLength < headerLength || boxLength > file.Length - position)
            {
                break;
            }

            position += (int)boxLength;
        }

        return [];
    }
}
