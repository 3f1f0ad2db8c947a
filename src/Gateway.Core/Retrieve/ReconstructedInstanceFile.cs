using System.Buffers.Binary;
using System.Globalization;
using Gateway.Core.Compression;
using Gateway.Core.Headers;
using Gateway.Dicom;
using Gateway.Dicom.Json;

namespace Gateway.Core.Retrieve;

/// <summary>
/// Builds the DICOM file of an instance kept in a lossy representation (DESIGN.md, "Headers of reconstructed images"):
/// its header (the header object kept beside it, or the DICOM JSON stored at ingest) with the decoded stored values as
/// native pixel data in Explicit VR Little Endian, the same UIDs, Lossy Image Compression (0028,2110) "01", the ratio
/// (0028,2112) and method (0028,2114) appended to any earlier lossy compression, and a Derivation Description
/// (0008,2111) saying how it was made.
/// </summary>
public static class ReconstructedInstanceFile
{
    /// <param name="header">The stored header (the header object's data set, or DICOM JSON read back); it is changed and becomes the file's data set.</param>
    /// <param name="pixels">The decoded stored values.</param>
    /// <param name="lossy">The method, the stored size and the derivation text.</param>
    /// <returns>The file, and how many elements were left out because their values were only references to the deleted original.</returns>
    public static (DicomFile File, int DroppedBulkData) Build(DicomDataset header, PixelFrames pixels, LossyCompression lossy)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(lossy);
        ArgumentException.ThrowIfNullOrEmpty(lossy.Method);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lossy.StoredBytes);
        header.RemoveAll(element => HeaderContent.PixelTags.Contains(element.Tag));

        // Bulk data other than the pixels is a reference to the original object, which no longer exists.
        var dropped = header.RemoveAll(element => HoldsBulkDataReference(element));

        header.SetValues(DicomTags.SamplesPerPixel, DicomVR.US, (ushort)1);
        header.SetValues(DicomTags.Rows, DicomVR.US, checked((ushort)pixels.Rows));
        header.SetValues(DicomTags.Columns, DicomVR.US, checked((ushort)pixels.Columns));
        if (pixels.Frames > 1 || header.Contains(DicomTags.NumberOfFrames))
        {
            header.SetString(DicomTags.NumberOfFrames, DicomVR.IS, pixels.Frames.ToString(CultureInfo.InvariantCulture));
        }

        header.SetValues(DicomTags.BitsAllocated, DicomVR.US, checked((ushort)pixels.BitsAllocated));
        header.SetValues(DicomTags.BitsStored, DicomVR.US, checked((ushort)pixels.BitsStored));
        header.SetValues(DicomTags.HighBit, DicomVR.US, checked((ushort)(pixels.BitsStored - 1)));
        header.SetValues(DicomTags.PixelRepresentation, DicomVR.US, (ushort)(pixels.Signed ? 1 : 0));

        var pixelBytes = NativePixelData(pixels);
        var originalPixelBytes = (long)pixels.FrameLength * pixels.Frames * (pixels.BitsAllocated / 8);
        header.SetString(DicomTags.LossyImageCompression, DicomVR.CS, "01");
        Append(header, DicomTags.LossyImageCompressionRatio, DicomVR.DS, Ratio(originalPixelBytes, lossy.StoredBytes));
        Append(header, DicomTags.LossyImageCompressionMethod, DicomVR.CS, lossy.Method);
        var derivation = lossy.Derivation;
        var earlier = header.GetString(DicomTags.DerivationDescription)?.Trim();
        var description = string.IsNullOrEmpty(earlier) ? derivation : $"{earlier}; {derivation}";
        header.SetString(DicomTags.DerivationDescription, DicomVR.ST, description.Length <= 1024 ? description : description[..1024]);

        header.Add(new DicomValueElement(DicomTags.PixelData, pixels.BitsAllocated > 8 ? DicomVR.OW : DicomVR.OB, pixelBytes));
        return (new DicomFile(header, DicomTransferSyntax.ExplicitVRLittleEndian), dropped);
    }

    /// <summary>The values as Pixel Data bytes: little endian, BitsAllocated 8, 16 or 32 each, signed values in two's complement; padded to even length.</summary>
    public static byte[] NativePixelData(PixelFrames pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        var values = pixels.Values;
        switch (pixels.BitsAllocated)
        {
            case 8:
            {
                var bytes = new byte[values.Length + (values.Length & 1)];
                for (var i = 0; i < values.Length; i++)
                {
                    bytes[i] = unchecked((byte)values[i]);
                }

                return bytes;
            }

            case 16:
            {
                var bytes = new byte[values.Length * 2];
                for (var i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), unchecked((ushort)values[i]));
                }

                return bytes;
            }

            case 32:
            {
                var bytes = new byte[values.Length * 4];
                for (var i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
                }

                return bytes;
            }

            default:
                throw new DicomException($"A reconstruction cannot hold {pixels.BitsAllocated}-bit allocated pixels (8, 16 or 32 can).");
        }
    }

    /// <summary>A DS value of at most 16 characters.</summary>
    private static string Ratio(long originalBytes, long storedBytes)
    {
        var ratio = (double)originalBytes / storedBytes;
        return ratio.ToString(ratio >= 1e9 ? "0" : "0.###", CultureInfo.InvariantCulture);
    }

    private static void Append(DicomDataset header, DicomTag tag, DicomVR vr, string value)
    {
        var values = header.GetStrings(tag).Select(existing => existing.Trim()).Where(existing => existing.Length > 0).Append(value);
        header.SetStrings(tag, vr, values);
    }

    private static bool HoldsBulkDataReference(DicomElement element) => element switch
    {
        DicomBulkDataReference => true,
        DicomSequence sequence => sequence.Items.Any(item => item.Any(HoldsBulkDataReference)),
        _ => false,
    };
}
