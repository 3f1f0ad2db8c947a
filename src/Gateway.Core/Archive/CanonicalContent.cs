using System.Buffers.Binary;
using System.Security.Cryptography;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Core.Archive;

/// <summary>
/// What makes two instances "identical" for duplicate detection: the SHA-256 of their data set in a canonical form
/// that does not depend on how it was sent. Two receptions of one SOP instance have the same canonical content when
/// every element other than the File Meta Information (group 0002), group lengths (gggg,0000), Data Set Trailing
/// Padding (FFFC,FFFC) and Pixel Data (7FE0,0010) has the same tag and the same value bytes (little endian, so
/// implicit, explicit, big endian and deflated encodings agree; VRs and defined/undefined sequence lengths are not
/// part of it), sequences having the same items in the same order, and the pixel data decodes to the same stored
/// values (the low BitsStored bits of every sample of every frame, as <see cref="StoredValuesComparer"/> compares
/// them), whatever the transfer syntax. Calling AE title, protocol (C-STORE or STOW-RS) and transfer syntax do not
/// enter it; a lossy encoding of the same image, or any changed element, does.
/// </summary>
public static class CanonicalContent
{
    private const uint SequenceMarker = 0xFFFF_FFFF;
    private const uint FragmentsMarker = 0xFFFF_FFFE;

    /// <summary>The canonical content SHA-256 (lower-case hex) of <paramref name="file"/>'s data set, read with its pixel data.</summary>
    public static string Sha256(DicomFile file, DicomCodecRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(registry);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendDataset(hash, file.Dataset, topLevel: true);
        if (file.Dataset.Contains(DicomTags.PixelData))
        {
            AppendPixels(hash, file, registry);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void AppendDataset(IncrementalHash hash, DicomDataset dataset, bool topLevel)
    {
        foreach (var element in dataset)
        {
            var tag = element.Tag;
            if (tag.Group == 0x0002 || tag.IsGroupLength || tag == DicomTags.DataSetTrailingPadding || (topLevel && tag == DicomTags.PixelData))
            {
                continue;
            }

            AppendUInt32(hash, tag.Value);
            switch (element)
            {
                case DicomValueElement value:
                    AppendUInt32(hash, (uint)value.Length);
                    hash.AppendData(value.Value.Span);
                    break;
                case DicomSequence sequence:
                    AppendUInt32(hash, SequenceMarker);
                    AppendUInt32(hash, (uint)sequence.Items.Count);
                    foreach (var item in sequence.Items)
                    {
                        AppendDataset(hash, item, topLevel: false);
                        AppendUInt32(hash, DicomTag.ItemDelimitationItem.Value);
                    }

                    break;
                case DicomFragmentSequence fragments:
                    AppendFragments(hash, fragments);
                    break;
                default:
                    // Bulk data references only stand in for values in a header read without them; a canonical
                    // hash is only ever taken of a complete data set.
                    throw new InvalidOperationException($"Element {tag} has no value in memory ({element.GetType().Name}).");
            }
        }
    }

    /// <summary>
    /// The stored values of every frame, decoded from any transfer syntax. Pixel data that cannot be decoded (an
    /// unknown codec, a damaged bitstream) enters with its encoded bytes: such an instance is identical only to a
    /// byte-identical copy of itself, and whether it is accepted at all is for ingest's validation to say.
    /// </summary>
    private static void AppendPixels(IncrementalHash hash, DicomFile file, DicomCodecRegistry registry)
    {
        AppendUInt32(hash, DicomTags.PixelData.Value);
        if (DecodedPixelsSha256(file, registry) is { } decoded)
        {
            hash.AppendData(decoded);
            return;
        }

        switch (file.Dataset.GetElement(DicomTags.PixelData))
        {
            case DicomFragmentSequence fragments:
                AppendFragments(hash, fragments);
                break;
            case DicomValueElement value:
                AppendUInt32(hash, FragmentsMarker);
                hash.AppendData(value.Value.Span);
                break;
        }
    }

    /// <summary>The SHA-256 of the frame count and the stored values of every frame, one frame in memory at a time; null when they cannot be decoded.</summary>
    private static byte[]? DecodedPixelsSha256(DicomFile file, DicomCodecRegistry registry)
    {
        using var pixels = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            var pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
            AppendUInt32(pixels, (uint)pixelData.NumberOfFrames);
            for (var frame = 0; frame < pixelData.NumberOfFrames; frame++)
            {
                AppendStoredValues(pixels, FrameDecoder.Decode(pixelData, frame, registry).Data, pixelData.Info);
            }
        }
        catch (Exception exception) when (exception is DicomException or NotSupportedException or InvalidOperationException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return null;
        }

        return pixels.GetHashAndReset();
    }

    private static void AppendStoredValues(IncrementalHash hash, byte[] frame, FrameInfo info)
    {
        var bytes = info.BytesPerSample;
        if (info.BitsAllocated == 1 || info.BitsStored >= info.BitsAllocated || bytes > 4)
        {
            hash.AppendData(frame);
            return;
        }

        var mask = (1u << info.BitsStored) - 1;
        var masked = new byte[frame.Length];
        for (var offset = 0; offset + bytes <= frame.Length; offset += bytes)
        {
            uint sample = 0;
            for (var k = bytes - 1; k >= 0; k--)
            {
                sample = (sample << 8) | frame[offset + k];
            }

            sample &= mask;
            for (var k = 0; k < bytes; k++)
            {
                masked[offset + k] = (byte)(sample >> (8 * k));
            }
        }

        hash.AppendData(masked);
    }

    private static void AppendFragments(IncrementalHash hash, DicomFragmentSequence fragments)
    {
        AppendUInt32(hash, FragmentsMarker);
        AppendUInt32(hash, (uint)fragments.Fragments.Count);
        foreach (var fragment in fragments.Fragments)
        {
            AppendUInt32(hash, (uint)fragment.Length);
            hash.AppendData(fragment.Span);
        }
    }

    private static void AppendUInt32(IncrementalHash hash, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        hash.AppendData(bytes);
    }
}
