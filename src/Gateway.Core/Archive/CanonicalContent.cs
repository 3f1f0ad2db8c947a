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
    /// <summary>
    /// Instances larger than this whose pixel data is native little endian are hashed by streaming the pixel data
    /// (<see cref="Sha256OfNativeAsync"/>) rather than by reading the whole instance into memory.
    /// </summary>
    public const long StreamAbove = 64 << 20;

    private const uint SequenceMarker = 0xFFFF_FFFF;
    private const uint FragmentsMarker = 0xFFFF_FFFE;
    private const int ChunkSize = 1 << 20;

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

    /// <summary>
    /// Whether <see cref="Sha256OfNativeAsync"/> can hash the instance <paramref name="header"/> was read from (with
    /// StopBeforePixelData): native little endian pixel data whose frames are stored as <see cref="FrameDecoder"/>
    /// gives them (one sample, or interleaved samples; not YBR_FULL_422), in 8, 16 or 32-bit containers.
    /// </summary>
    public static bool CanStream(DicomFile header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var syntax = header.TransferSyntax;
        var dataset = header.Dataset;
        return header.PixelDataOffset is not null && !syntax.IsEncapsulated && !syntax.IsDeflated && !syntax.IsBigEndian
            && dataset.GetValueOrDefault(DicomTags.BitsAllocated, 0) is 8 or 16 or 32
            && (dataset.GetValueOrDefault(DicomTags.SamplesPerPixel, 1) == 1 || dataset.GetValueOrDefault(DicomTags.PlanarConfiguration, 0) == 0)
            && dataset.GetString(DicomTags.PhotometricInterpretation) != "YBR_FULL_422";
    }

    /// <summary>
    /// The same hash as <see cref="Sha256"/>, from a header read with StopBeforePixelData and the whole file
    /// (<paramref name="file"/>, read forward) for its pixel data, one chunk in memory at a time; null when the
    /// pixel data is shorter than its frames need. Only for what <see cref="CanStream"/> accepts, and (like a
    /// header read) blind to elements after the pixel data, which is why ingest uses it only above <see cref="StreamAbove"/>.
    /// </summary>
    public static async Task<string?> Sha256OfNativeAsync(DicomFile header, Stream file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(file);
        var dataset = header.Dataset;
        var rows = dataset.GetValueOrDefault(DicomTags.Rows, 0);
        var columns = dataset.GetValueOrDefault(DicomTags.Columns, 0);
        var samples = dataset.GetValueOrDefault(DicomTags.SamplesPerPixel, 1);
        var bitsAllocated = dataset.GetValueOrDefault(DicomTags.BitsAllocated, 0);
        var bitsStored = dataset.GetValueOrDefault(DicomTags.BitsStored, bitsAllocated);
        var frames = Math.Max(1, dataset.GetValueOrDefault(DicomTags.NumberOfFrames, 1));
        var bytesPerSample = bitsAllocated / 8;
        var needed = (long)rows * columns * samples * bytesPerSample * frames;

        // Skip to the Pixel Data element and past its header: tag and length (implicit VR), or tag, VR, two
        // reserved bytes and length (explicit VR, OB/OW).
        await SkipAsync(file, header.PixelDataOffset!.Value + (header.TransferSyntax.IsExplicitVR ? 12 : 8), cancellationToken).ConfigureAwait(false);
        using var pixels = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendUInt32(pixels, (uint)frames);
        var buffer = new byte[ChunkSize - (ChunkSize % (bytesPerSample * 4))];
        for (var remaining = needed; remaining > 0;)
        {
            var length = (int)Math.Min(buffer.Length, remaining);
            if (await file.ReadAtLeastAsync(buffer.AsMemory(0, length), length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < length)
            {
                return null;
            }

            AppendStoredValues(pixels, buffer.AsSpan(0, length), bytesPerSample, bitsAllocated, bitsStored);
            remaining -= length;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendDataset(hash, dataset, topLevel: true);
        AppendUInt32(hash, DicomTags.PixelData.Value);
        hash.AppendData(pixels.GetHashAndReset());
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static async Task SkipAsync(Stream stream, long count, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(count, ChunkSize)];
        while (count > 0)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException("The file ends before its pixel data.");
            }

            count -= read;
        }
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
                var info = pixelData.Info;
                AppendStoredValues(pixels, FrameDecoder.Decode(pixelData, frame, registry).Data, info.BytesPerSample, info.BitsAllocated, info.BitsStored);
            }
        }
        catch (Exception exception) when (exception is DicomException or NotSupportedException or InvalidOperationException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return null;
        }

        return pixels.GetHashAndReset();
    }

    /// <summary>The samples with every bit above BitsStored cleared (little endian, in their containers).</summary>
    private static void AppendStoredValues(IncrementalHash hash, ReadOnlySpan<byte> samples, int bytesPerSample, int bitsAllocated, int bitsStored)
    {
        if (bitsAllocated == 1 || bitsStored >= bitsAllocated || bitsStored < 1 || bytesPerSample > 4)
        {
            hash.AppendData(samples);
            return;
        }

        var mask = (1u << bitsStored) - 1;
        var masked = new byte[samples.Length];
        for (var offset = 0; offset + bytesPerSample <= samples.Length; offset += bytesPerSample)
        {
            uint sample = 0;
            for (var k = bytesPerSample - 1; k >= 0; k--)
            {
                sample = (sample << 8) | samples[offset + k];
            }

            sample &= mask;
            for (var k = 0; k < bytesPerSample; k++)
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
