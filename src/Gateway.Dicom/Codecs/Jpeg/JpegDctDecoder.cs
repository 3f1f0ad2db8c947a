using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// Decodes DCT-based JPEG (ITU T.81 baseline, extended sequential and progressive Huffman processes,
/// 8 or 12-bit) the way libjpeg 6b does with its default settings, which is what DCMTK's dcmdjpeg uses:
/// islow IDCT, fancy upsampling, and YCbCr to RGB conversion for YBR_FULL and YBR_FULL_422 data.
/// </summary>
internal sealed class JpegDctDecoder
{
    private readonly FrameInfo info;
    private readonly ushort[]?[] quantization = new ushort[]?[4];
    private readonly HuffmanDecodingTable?[] dcTables = new HuffmanDecodingTable?[4];
    private readonly HuffmanDecodingTable?[] acTables = new HuffmanDecodingTable?[4];
    private DctComponent[] components = [];
    private bool progressive;
    private int precision;
    private int width;
    private int height;
    private int maxHorizontal;
    private int maxVertical;
    private int restartInterval;
    private bool scanned;

    private JpegDctDecoder(FrameInfo info)
    {
        this.info = info;
    }

    /// <summary>Decodes one frame; returns the native samples and whether YCbCr was converted to RGB.</summary>
    public static (byte[] Data, bool ConvertedToRgb) Decode(ReadOnlySpan<byte> data, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var decoder = new JpegDctDecoder(info);
        decoder.Run(data);
        return decoder.Output();
    }

    /// <summary>The sample precision of a JPEG stream's frame header, or null if none is found before the first scan.</summary>
    public static int? ReadPrecision(ReadOnlySpan<byte> data)
    {
        var markers = new JpegMarkerReader(data) { Position = 0 };
        while (markers.TryReadMarker(out var marker) && marker is not (JpegMarker.Sos or JpegMarker.Eoi))
        {
            if (JpegMarker.IsStandalone(marker))
            {
                continue;
            }

            var segment = markers.ReadSegment(marker);
            if (JpegMarker.IsStartOfFrame(marker))
            {
                return segment.IsEmpty ? null : segment[0];
            }
        }

        return null;
    }

    private void Run(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2 || data[0] != JpegMarker.Prefix || data[1] != JpegMarker.Soi)
        {
            throw new DicomCodecException("Not a JPEG stream: it does not start with the SOI marker.");
        }

        var markers = new JpegMarkerReader(data) { Position = 2 };
        var ended = false;
        while (!ended && markers.TryReadMarker(out var marker))
        {
            ended = marker == JpegMarker.Eoi;
            if (ended)
            {
                break;
            }

            if (JpegMarker.IsStandalone(marker))
            {
                continue;
            }

            var segment = markers.ReadSegment(marker);
            switch (marker)
            {
                case JpegMarker.Sof0 or JpegMarker.Sof1 or JpegMarker.Sof2:
                    ReadFrameHeader(marker, segment);
                    break;
                case JpegMarker.Sof3:
                    throw new DicomCodecException("A lossless JPEG stream (SOF3): decode it with the JPEG lossless codec.");
                case JpegMarker.Dht:
                    JpegMarkerReader.ParseHuffmanTables(segment, (tableClass, id, table) =>
                        (tableClass == 0 ? dcTables : acTables)[id] = new HuffmanDecodingTable(table));
                    break;
                case JpegMarker.Dqt:
                    ReadQuantizationTables(segment);
                    break;
                case JpegMarker.Dri:
                    restartInterval = segment.Length >= 2
                        ? BinaryPrimitives.ReadUInt16BigEndian(segment)
                        : throw new DicomCodecException("Corrupt JPEG DRI segment.");
                    break;
                case JpegMarker.Sos:
                    markers.Position = DecodeScan(data, segment, markers.Position);
                    break;
                default:
                    if (JpegMarker.IsStartOfFrame(marker) || marker == JpegMarker.Dac)
                    {
                        throw new DicomCodecException($"Unsupported JPEG process: SOF{marker - JpegMarker.Sof0} (hierarchical or arithmetic coding).");
                    }

                    break;
            }
        }

        if (!scanned)
        {
            throw new DicomCodecException("Corrupt JPEG stream: no scan.");
        }

        // A progressive stream cut between scans would still decode, to a coarser image: only EOI tells it is complete.
        if (progressive && !ended)
        {
            throw new DicomCodecException("Truncated progressive JPEG stream: it ends without the EOI marker.");
        }
    }

    private void ReadFrameHeader(byte marker, ReadOnlySpan<byte> segment)
    {
        if (components.Length > 0)
        {
            throw new DicomCodecException("Corrupt JPEG stream: a second frame header.");
        }

        var header = JpegFrameHeader.Parse(marker, segment);
        if (header.Precision is not (8 or 12) || (marker == JpegMarker.Sof0 && header.Precision != 8))
        {
            throw new DicomCodecException($"Corrupt JPEG frame header: precision {header.Precision} for SOF{marker - JpegMarker.Sof0}.");
        }

        if (header.Components.Count != info.SamplesPerPixel || header.SamplesPerLine != info.Columns || header.Lines != info.Rows)
        {
            throw new DicomCodecException(
                $"The JPEG frame is {header.SamplesPerLine} x {header.Lines} with {header.Components.Count} components; the image is {info.Columns} x {info.Rows} with {info.SamplesPerPixel} samples per pixel.");
        }

        if (header.Precision > 8 && info.BitsAllocated < 16)
        {
            throw new DicomCodecException($"A {header.Precision}-bit JPEG stream does not fit BitsAllocated {info.BitsAllocated}.");
        }

        precision = header.Precision;
        progressive = marker == JpegMarker.Sof2;
        width = header.SamplesPerLine;
        height = header.Lines;
        maxHorizontal = header.Components.Max(c => c.HorizontalSampling);
        maxVertical = header.Components.Max(c => c.VerticalSampling);
        foreach (var component in header.Components)
        {
            if (component.HorizontalSampling is < 1 or > 4 || component.VerticalSampling is < 1 or > 4 || component.QuantizationTable > 3
                || maxHorizontal % component.HorizontalSampling != 0 || maxVertical % component.VerticalSampling != 0)
            {
                throw new DicomCodecException($"Unsupported JPEG sampling factors {component.HorizontalSampling}x{component.VerticalSampling} (maximum {maxHorizontal}x{maxVertical}).");
            }
        }

        components = header.Components.Select((c, i) => new DctComponent(c, i, maxHorizontal, maxVertical, width, height)).ToArray();
    }

    private void ReadQuantizationTables(ReadOnlySpan<byte> segment)
    {
        while (!segment.IsEmpty)
        {
            var wide = segment[0] >> 4;
            var id = segment[0] & 0x0F;
            var length = 1 + (64 * (wide + 1));
            if (wide > 1 || id > 3 || segment.Length < length)
            {
                throw new DicomCodecException("Corrupt JPEG DQT segment.");
            }

            var table = new ushort[64];
            for (var k = 0; k < 64; k++)
            {
                table[JpegZigZag.NaturalOrder[k]] = wide == 0 ? segment[1 + k] : BinaryPrimitives.ReadUInt16BigEndian(segment[(1 + (2 * k))..]);
            }

            quantization[id] = table;
            segment = segment[length..];
        }
    }

    private int DecodeScan(ReadOnlySpan<byte> data, ReadOnlySpan<byte> segment, int entropyStart)
    {
        if (components.Length == 0)
        {
            throw new DicomCodecException("Corrupt JPEG stream: a scan before the frame header.");
        }

        var scan = DctScan.Parse(segment, components, dcTables, acTables, progressive);
        foreach (var component in scan.Components)
        {
            // Like libjpeg, each component keeps the table that was current at its first scan.
            component.Quantization ??= quantization[component.QuantizationTableId]
                ?? throw new DicomCodecException($"Corrupt JPEG stream: quantization table {component.QuantizationTableId} is not defined.");
        }

        scanned = true;
        var mcusPerLine = (width + (8 * maxHorizontal) - 1) / (8 * maxHorizontal);
        var mcuRows = (height + (8 * maxVertical) - 1) / (8 * maxVertical);
        return DctScanDecoder.Decode(data, entropyStart, scan, progressive, restartInterval, mcusPerLine, mcuRows);
    }

    private (byte[] Data, bool ConvertedToRgb) Output()
    {
        var idct = new IslowIdct(precision);
        var pixels = width * height;
        var planes = new ushort[components.Length][];
        foreach (var component in components)
        {
            var quant = component.Quantization
                ?? throw new DicomCodecException($"Corrupt JPEG stream: no scan holds component {component.Id}.");
            var stride = component.BlocksPerLine * 8;
            var samples = new ushort[stride * component.BlocksPerColumn * 8];
            for (var row = 0; row < component.BlocksPerColumn; row++)
            {
                for (var column = 0; column < component.BlocksPerLine; column++)
                {
                    idct.Transform(component.Block(row, column), quant, samples.AsSpan((row * 8 * stride) + (column * 8)), stride);
                }
            }

            planes[component.Index] = new ushort[pixels];
            JpegUpsampler.Upsample(
                samples, stride, component.Width, component.Height,
                maxHorizontal / component.HorizontalSampling, maxVertical / component.VerticalSampling,
                planes[component.Index], width, height);
        }

        var convert = planes.Length == 3 && info.PhotometricInterpretation is "YBR_FULL" or "YBR_FULL_422";
        if (convert)
        {
            new YCbCrToRgb(precision).Convert(planes[0], planes[1], planes[2]);
        }

        var output = new byte[info.NativeFrameLength];
        if (info.BitsAllocated == 8)
        {
            for (var c = 0; c < planes.Length; c++)
            {
                for (var i = 0; i < pixels; i++)
                {
                    output[(i * planes.Length) + c] = (byte)planes[c][i];
                }
            }
        }
        else
        {
            var words = MemoryMarshal.Cast<byte, ushort>(output.AsSpan());
            for (var c = 0; c < planes.Length; c++)
            {
                for (var i = 0; i < pixels; i++)
                {
                    words[(i * planes.Length) + c] = planes[c][i];
                }
            }

            if (!BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.ReverseEndianness(words, words);
            }
        }

        NativeSampleBits.Normalize(output, info);
        return (output, convert);
    }
}
