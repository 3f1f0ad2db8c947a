using System.Globalization;

namespace Gateway.Dicom.Imaging;

/// <summary>
/// Converts a file between transfer syntaxes: re-encodes the data set, and decodes and re-encodes the pixel
/// data when either side is encapsulated. A lossy result carries Lossy Image Compression (0028,2110) "01" with
/// its ratio (0028,2112) and method (0028,2114) appended to any earlier ones (PS3.3 C.7.6.1.1.5).
/// </summary>
public sealed class DicomTranscoder(DicomCodecRegistry registry, EncodeOptions options)
{
    public DicomTranscoder()
        : this(DicomCodecRegistry.Default, EncodeOptions.Default)
    {
    }

    /// <summary>Ratio (original native bytes / encoded bytes) of the last lossy transcode, for reporting.</summary>
    public double? LastCompressionRatio { get; private set; }

    public DicomFile Transcode(DicomFile file, DicomTransferSyntax target)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(target);
        if (!target.IsKnown)
        {
            throw new DicomException($"Cannot transcode to unknown transfer syntax {target.Uid}.");
        }

        LastCompressionRatio = null;
        var source = file.TransferSyntax;
        var dataset = file.Dataset.Clone();
        var result = new DicomFile(dataset, target, file.FileMetaInformation) { Preamble = file.Preamble };
        if (!DicomPixelData.HasPixelData(dataset) || source.Uid == target.Uid || (!source.IsEncapsulated && !target.IsEncapsulated))
        {
            return result;
        }

        var pixelData = DicomPixelData.Create(dataset, source);
        var frames = new List<byte[]>(pixelData.NumberOfFrames);
        var photometric = pixelData.Info.PhotometricInterpretation;
        for (var i = 0; i < pixelData.NumberOfFrames; i++)
        {
            var decoded = FrameDecoder.Decode(pixelData, i, registry);
            frames.Add(decoded.Data);
            photometric = decoded.PhotometricInterpretation;
        }

        var native = pixelData.Info.With(photometric, PlanarConfiguration.Interleaved);
        dataset.Remove(DicomTags.ExtendedOffsetTable);
        dataset.Remove(DicomTags.ExtendedOffsetTableLengths);
        if (target.IsEncapsulated)
        {
            Encode(dataset, frames, native, target);
        }
        else
        {
            dataset.Add(new DicomValueElement(DicomTags.PixelData, native.BitsAllocated > 8 ? DicomVR.OW : DicomVR.OB, Concatenate(frames, native)));
            SetLayout(dataset, native, photometric);
        }

        return result;
    }

    private void Encode(DicomDataset dataset, List<byte[]> frames, FrameInfo native, DicomTransferSyntax target)
    {
        var codec = registry.Get(target);
        if (!codec.CanEncode(target, native))
        {
            throw new DicomCodecException($"{target.Name} cannot hold {native.SamplesPerPixel}-sample {native.PhotometricInterpretation} pixels of {native.BitsStored} bits stored in {native.BitsAllocated}.");
        }

        var fragments = new List<ReadOnlyMemory<byte>>(frames.Count);
        long encodedBytes = 0;
        foreach (var frame in frames)
        {
            var encoded = codec.Encode(FrameLayout.Normalize(frame, native), target, native, options);
            fragments.Add(encoded);
            encodedBytes += encoded.Length;
        }

        var offsets = new byte[frames.Count > 1 ? frames.Count * 4 : 0];
        uint position = 0;
        for (var i = 0; i < offsets.Length / 4; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(offsets.AsSpan(i * 4), position);
            position = checked(position + 8 + (uint)fragments[i].Length + (uint)(fragments[i].Length & 1));
        }

        dataset.Add(new DicomFragmentSequence(DicomTags.PixelData, DicomVR.OB, offsets, fragments));
        SetLayout(dataset, native, codec.EncodedPhotometricInterpretation(target, native));
        if (target.IsLossy)
        {
            var ratio = (double)native.NativeFrameLength * frames.Count / Math.Max(1, encodedBytes);
            LastCompressionRatio = ratio;
            MarkLossy(dataset, ratio, LossyMethod(target));
        }
    }

    private static void SetLayout(DicomDataset dataset, FrameInfo info, string photometric)
    {
        dataset.SetString(DicomTags.PhotometricInterpretation, DicomVR.CS, photometric);
        if (info.SamplesPerPixel > 1)
        {
            dataset.SetValues(DicomTags.PlanarConfiguration, DicomVR.US, (ushort)0);
        }
    }

    private static void MarkLossy(DicomDataset dataset, double ratio, string method)
    {
        dataset.SetString(DicomTags.LossyImageCompression, DicomVR.CS, "01");
        var ratios = dataset.GetStrings(DicomTags.LossyImageCompressionRatio).ToList();
        ratios.Add(ratio.ToString(ratio >= 1000 ? "0" : "0.###", CultureInfo.InvariantCulture));
        dataset.SetStrings(DicomTags.LossyImageCompressionRatio, DicomVR.DS, ratios);
        var methods = dataset.GetStrings(DicomTags.LossyImageCompressionMethod).ToList();
        methods.Add(method);
        dataset.SetStrings(DicomTags.LossyImageCompressionMethod, DicomVR.CS, methods);
    }

    /// <summary>Defined terms of PS3.3 C.7.6.1.1.5.1.</summary>
    private static string LossyMethod(DicomTransferSyntax syntax) => syntax.Uid switch
    {
        "1.2.840.10008.1.2.4.50" or "1.2.840.10008.1.2.4.51" => "ISO_10918_1",
        "1.2.840.10008.1.2.4.81" => "ISO_14495_1",
        "1.2.840.10008.1.2.4.91" or "1.2.840.10008.1.2.4.93" => "ISO_15444_1",
        "1.2.840.10008.1.2.4.203" => "ISO_15444_15",
        _ => syntax.Uid,
    };

    private static byte[] Concatenate(List<byte[]> frames, FrameInfo info)
    {
        if (info.BitsAllocated != 1)
        {
            return frames.SelectMany(frame => frame).ToArray();
        }

        // BitsAllocated 1: frames follow each other bit by bit (PS3.5 8.1.1).
        var bitsPerFrame = (long)info.PixelCount * info.SamplesPerPixel;
        var packed = new byte[((bitsPerFrame * frames.Count) + 7) / 8];
        for (var frame = 0; frame < frames.Count; frame++)
        {
            for (long bit = 0; bit < bitsPerFrame; bit++)
            {
                if ((frames[frame][bit >> 3] >> (int)(bit & 7) & 1) != 0)
                {
                    var target = (frame * bitsPerFrame) + bit;
                    packed[target >> 3] |= (byte)(1 << (int)(target & 7));
                }
            }
        }

        return packed;
    }
}
