using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// Decodes a lossless JPEG stream (ITU T.81 process 14, SOF3) into a native frame: predictors 1-7,
/// point transform, 2-16 bit precision, 1-4 components in interleaved or separate scans, restart
/// intervals and the 16-bit category 16 (a difference of 32768 without extra bits).
/// </summary>
internal sealed class JpegLosslessDecoder
{
    private const int MaxComponents = 4;

    private readonly FrameInfo info;
    private readonly LosslessHuffmanDecoder?[] tables = new LosslessHuffmanDecoder?[4];
    private JpegFrameHeader? frame;
    private ushort[][] planes = [];
    private int[] pointTransforms = [];
    private bool[] decoded = [];
    private int restartInterval;
    private int width;
    private int height;

    private JpegLosslessDecoder(FrameInfo info)
    {
        this.info = info;
    }

    /// <summary>Decodes one frame into the layout of <see cref="DecodedFrame.Data"/>.</summary>
    public static byte[] Decode(ReadOnlySpan<byte> data, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.BitsAllocated is not (8 or 16))
        {
            throw new DicomCodecException($"Lossless JPEG decodes into 8 or 16-bit samples, not BitsAllocated {info.BitsAllocated}.");
        }

        var decoder = new JpegLosslessDecoder(info);
        try
        {
            decoder.Run(data);
            return decoder.Pack();
        }
        finally
        {
            foreach (var plane in decoder.planes)
            {
                ArrayPool<ushort>.Shared.Return(plane);
            }
        }
    }

    private void Run(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2 || data[0] != JpegMarker.Prefix || data[1] != JpegMarker.Soi)
        {
            throw new DicomCodecException("Not a JPEG stream: it does not start with the SOI marker.");
        }

        var markers = new JpegMarkerReader(data) { Position = 2 };
        while (markers.TryReadMarker(out var marker))
        {
            if (marker == JpegMarker.Eoi)
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
                case JpegMarker.Sof3:
                    ReadFrameHeader(segment);
                    break;
                case JpegMarker.Dht:
                    JpegMarkerReader.ParseHuffmanTables(segment, DefineTable);
                    break;
                case JpegMarker.Dri:
                    restartInterval = segment.Length >= 2
                        ? BinaryPrimitives.ReadUInt16BigEndian(segment)
                        : throw new DicomCodecException("Corrupt JPEG DRI segment.");
                    break;
                case JpegMarker.Sos:
                    markers.Position = DecodeScan(data, segment, markers.Position);
                    break;
                case JpegMarker.Dac:
                    throw new DicomCodecException("Arithmetic-coded JPEG is not supported.");
                default:
                    if (JpegMarker.IsStartOfFrame(marker))
                    {
                        throw new DicomCodecException($"Not a lossless JPEG stream: found SOF{marker - JpegMarker.Sof0}, expected SOF3.");
                    }

                    break;
            }
        }

        if (frame is null)
        {
            throw new DicomCodecException("Corrupt JPEG stream: no SOF3 frame header.");
        }

        for (var i = 0; i < decoded.Length; i++)
        {
            if (!decoded[i])
            {
                throw new DicomCodecException($"Corrupt JPEG stream: no scan holds component {frame.Components[i].Id}.");
            }
        }
    }

    private void DefineTable(int tableClass, int id, JpegHuffmanTable table)
    {
        // Lossless scans use the DC-class tables only (T.81 H.2.2).
        if (tableClass == 0)
        {
            tables[id] = new LosslessHuffmanDecoder(table);
        }
    }

    private void ReadFrameHeader(ReadOnlySpan<byte> segment)
    {
        if (frame is not null)
        {
            throw new DicomCodecException("Corrupt JPEG stream: a second frame header.");
        }

        var header = JpegFrameHeader.Parse(JpegMarker.Sof3, segment);
        if (header.Precision is < 2 or > 16)
        {
            throw new DicomCodecException($"Corrupt lossless JPEG frame header: precision {header.Precision} is outside 2-16.");
        }

        var components = header.Components.Count;
        if (components > MaxComponents || components != info.SamplesPerPixel)
        {
            throw new DicomCodecException($"The JPEG frame has {components} components; the image has {info.SamplesPerPixel} samples per pixel.");
        }

        var lines = header.Lines == 0 ? info.Rows : header.Lines;
        if (header.SamplesPerLine != info.Columns || lines != info.Rows)
        {
            throw new DicomCodecException($"The JPEG frame is {header.SamplesPerLine} x {lines}; the image is {info.Columns} x {info.Rows}.");
        }

        if (components > 1)
        {
            foreach (var component in header.Components)
            {
                if (component.HorizontalSampling != 1 || component.VerticalSampling != 1)
                {
                    throw new DicomCodecException("Lossless JPEG with subsampled components is not supported.");
                }
            }
        }

        frame = header;
        width = info.Columns;
        height = info.Rows;
        planes = new ushort[components][];
        for (var i = 0; i < components; i++)
        {
            planes[i] = ArrayPool<ushort>.Shared.Rent(info.PixelCount);
        }

        pointTransforms = new int[components];
        decoded = new bool[components];
    }

    /// <summary>Decodes the scan whose header is <paramref name="segment"/>; returns the offset to look for the next marker from.</summary>
    private int DecodeScan(ReadOnlySpan<byte> data, ReadOnlySpan<byte> segment, int entropyStart)
    {
        if (frame is null)
        {
            throw new DicomCodecException("Corrupt JPEG stream: a scan before the frame header.");
        }

        var scan = LosslessScan.Parse(segment, frame, tables);
        if (scan.PointTransform >= frame.Precision)
        {
            throw new DicomCodecException($"Corrupt JPEG scan header: point transform {scan.PointTransform} with precision {frame.Precision}.");
        }

        var scanPlanes = new ushort[scan.ComponentCount][];
        for (var k = 0; k < scan.ComponentCount; k++)
        {
            var index = scan.ComponentIndexes[k];
            scanPlanes[k] = planes[index];
            pointTransforms[index] = scan.PointTransform;
            decoded[index] = true;
        }

        var rowsPerInterval = height;
        if (restartInterval > 0)
        {
            if (restartInterval % width != 0)
            {
                throw new DicomCodecException($"Unsupported lossless JPEG: restart interval {restartInterval} is not a whole number of lines of {width}.");
            }

            rowsPerInterval = restartInterval / width;
        }

        var reader = new JpegBitReader(data, entropyStart);
        var rows = new LosslessRowDecoder(scanPlanes, scan.Tables, width, 1 << (frame.Precision - scan.PointTransform - 1));
        for (var y = 0; y < height; y += rowsPerInterval)
        {
            if (y > 0)
            {
                reader.Restart();
            }

            rows.Decode(ref reader, scan.Predictor, y, Math.Min(rowsPerInterval, height - y));
        }

        reader.ThrowIfOverrun();
        return reader.Position;
    }

    private byte[] Pack()
    {
        var output = new byte[info.NativeFrameLength];
        var samples = planes.Length;
        var pixels = info.PixelCount;
        for (var c = 0; c < samples; c++)
        {
            var plane = planes.AsSpan()[c].AsSpan(0, pixels);
            var shift = pointTransforms[c];
            if (info.BitsAllocated == 8)
            {
                var bytes = output.AsSpan();
                for (var i = 0; i < plane.Length; i++)
                {
                    bytes[(i * samples) + c] = (byte)Normalize(plane[i] << shift);
                }
            }
            else
            {
                var words = MemoryMarshal.Cast<byte, ushort>(output.AsSpan());
                for (var i = 0; i < plane.Length; i++)
                {
                    words[(i * samples) + c] = (ushort)Normalize(plane[i] << shift);
                }
            }
        }

        if (info.BitsAllocated == 16 && !BitConverter.IsLittleEndian)
        {
            var words = MemoryMarshal.Cast<byte, ushort>(output.AsSpan());
            BinaryPrimitives.ReverseEndianness(words, words);
        }

        return output;
    }

    /// <summary>Clears the bits above BitsStored, or copies the sign bit into them for signed samples.</summary>
    private int Normalize(int value) =>
        info.IsSigned ? (value << (32 - info.BitsStored)) >> (32 - info.BitsStored) : value & ((1 << info.BitsStored) - 1);
}
