using System.Buffers;
using System.Buffers.Binary;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs.Rle;

/// <summary>
/// RLE Lossless (1.2.840.10008.1.2.5, PS3.5 annex G): a 64-byte header with up to 15 segment offsets and
/// one PackBits segment per byte plane, most significant byte of each sample first. Handles 1 (one
/// segment of packed bits), 8, 16 and 32-bit samples with as many samples per pixel as 15 segments allow.
/// </summary>
public sealed class RleCodec : IPixelCodec
{
    private const int HeaderLength = 64;
    private const int MaxSegments = 15;

    public IReadOnlyList<DicomTransferSyntax> TransferSyntaxes { get; } = [DicomTransferSyntax.RleLossless];

    public bool CanEncode(DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        return syntax == DicomTransferSyntax.RleLossless && WhyUnsupported(info) is null;
    }

    public DecodedFrame Decode(ReadOnlySpan<byte> encoded, DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        RequireSupported(syntax, info);
        var segments = SegmentCount(info);
        if (encoded.Length < HeaderLength)
        {
            throw new DicomCodecException($"Corrupt RLE data: {encoded.Length} bytes cannot hold the 64-byte header.");
        }

        var declared = BinaryPrimitives.ReadUInt32LittleEndian(encoded);
        if (declared != segments)
        {
            throw new DicomCodecException($"The RLE header declares {declared} segments; {segments} expected for {info.SamplesPerPixel} samples of {info.BitsAllocated} bits.");
        }

        var output = new byte[info.NativeFrameLength];
        var planeLength = info.BitsAllocated == 1 ? output.Length : info.PixelCount;
        var plane = segments == 1 ? null : ArrayPool<byte>.Shared.Rent(planeLength);
        try
        {
            for (var segment = 0; segment < segments; segment++)
            {
                var data = SegmentData(encoded, segment, segments);
                if (plane is null)
                {
                    RleSegment.Decode(data, output, segment);
                }
                else
                {
                    RleSegment.Decode(data, plane.AsSpan(0, planeLength), segment);
                    Scatter(plane.AsSpan(0, planeLength), output, info, segment);
                }
            }
        }
        finally
        {
            if (plane is not null)
            {
                ArrayPool<byte>.Shared.Return(plane);
            }
        }

        NativeSampleBits.Normalize(output, info);
        return new DecodedFrame(output, info.PhotometricInterpretation);
    }

    public byte[] Encode(ReadOnlySpan<byte> native, DicomTransferSyntax syntax, FrameInfo info, EncodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(syntax);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(options);
        RequireSupported(syntax, info);
        if (native.Length < info.NativeFrameLength)
        {
            throw new DicomCodecException($"The native frame holds {native.Length} bytes; {info.NativeFrameLength} expected.");
        }

        var segments = SegmentCount(info);
        var rows = info.BitsAllocated == 1 ? 1 : info.Rows;
        var rowLength = info.BitsAllocated == 1 ? (int)info.NativeFrameLength : info.Columns;
        var output = new byte[HeaderLength + (segments * ((rows * RleSegment.MaxEncodedLength(rowLength)) + 1))];
        var row = new byte[rowLength];
        var length = HeaderLength;
        BinaryPrimitives.WriteUInt32LittleEndian(output, (uint)segments);
        for (var segment = 0; segment < segments; segment++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(4 * (segment + 1)), (uint)length);
            for (var y = 0; y < rows; y++)
            {
                Gather(native, info, segment, y, row);
                length += RleSegment.Encode(row, output.AsSpan(length));
            }

            if (length % 2 != 0)
            {
                output[length++] = 0;
            }
        }

        return output.AsSpan(0, length).ToArray();
    }

    /// <summary>One segment per byte of each sample; 1-bit frames are one segment of packed bits.</summary>
    private static int SegmentCount(FrameInfo info) => info.SamplesPerPixel * (info.BitsAllocated == 1 ? 1 : info.BytesPerSample);

    private static ReadOnlySpan<byte> SegmentData(ReadOnlySpan<byte> encoded, int segment, int segments)
    {
        var start = BinaryPrimitives.ReadUInt32LittleEndian(encoded[(4 * (segment + 1))..]);
        var end = segment + 1 < segments ? BinaryPrimitives.ReadUInt32LittleEndian(encoded[(4 * (segment + 2))..]) : (uint)encoded.Length;
        if (start < HeaderLength || start > end || end > encoded.Length)
        {
            throw new DicomCodecException($"Corrupt RLE header: segment {segment} spans bytes {start}-{end} of {encoded.Length}.");
        }

        return encoded[(int)start..(int)end];
    }

    /// <summary>Segment s * bytesPerSample + k holds byte k (most significant first) of sample s.</summary>
    private static (int Sample, int ByteInSample) PlaneOf(FrameInfo info, int segment)
    {
        var size = info.BytesPerSample;
        return (segment / size, size - 1 - (segment % size));
    }

    private static void Scatter(ReadOnlySpan<byte> plane, Span<byte> output, FrameInfo info, int segment)
    {
        var (sample, byteInSample) = PlaneOf(info, segment);
        var stride = info.SamplesPerPixel * info.BytesPerSample;
        var offset = (sample * info.BytesPerSample) + byteInSample;
        for (var i = 0; i < plane.Length; i++)
        {
            output[offset + (i * stride)] = plane[i];
        }
    }

    private static void Gather(ReadOnlySpan<byte> native, FrameInfo info, int segment, int y, Span<byte> row)
    {
        if (info.BitsAllocated == 1)
        {
            native[..row.Length].CopyTo(row);
            return;
        }

        var (sample, byteInSample) = PlaneOf(info, segment);
        var size = info.BytesPerSample;
        int offset;
        int stride;
        if (info.PlanarConfiguration == PlanarConfiguration.Planar)
        {
            offset = (((sample * info.PixelCount) + (y * info.Columns)) * size) + byteInSample;
            stride = size;
        }
        else
        {
            offset = (((y * info.Columns * info.SamplesPerPixel) + sample) * size) + byteInSample;
            stride = info.SamplesPerPixel * size;
        }

        for (var x = 0; x < row.Length; x++)
        {
            row[x] = native[offset + (x * stride)];
        }
    }

    private static void RequireSupported(DicomTransferSyntax syntax, FrameInfo info)
    {
        if (syntax != DicomTransferSyntax.RleLossless)
        {
            throw new DicomCodecException($"{nameof(RleCodec)} does not handle {syntax}.");
        }

        var reason = WhyUnsupported(info);
        if (reason is not null)
        {
            throw new DicomCodecException($"RLE Lossless cannot hold {reason}.");
        }
    }

    private static string? WhyUnsupported(FrameInfo info)
    {
        if (info.BitsAllocated is not (1 or 8 or 16 or 32))
        {
            return $"BitsAllocated {info.BitsAllocated}";
        }

        if (info.BitsAllocated == 1 && info.SamplesPerPixel != 1)
        {
            return "1-bit pixels of more than one sample";
        }

        if (info.SamplesPerPixel < 1 || SegmentCount(info) > MaxSegments)
        {
            return $"{info.SamplesPerPixel} samples of {info.BitsAllocated} bits (more than {MaxSegments} segments)";
        }

        if (info.PhotometricInterpretation is "YBR_FULL_422" or "YBR_PARTIAL_422" or "YBR_PARTIAL_420")
        {
            return $"subsampled {info.PhotometricInterpretation} pixel data";
        }

        return null;
    }

    /// <summary>The Photometric Interpretation is unchanged by this codec.</summary>
    public string EncodedPhotometricInterpretation(DicomTransferSyntax syntax, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return info.PhotometricInterpretation;
    }
}
