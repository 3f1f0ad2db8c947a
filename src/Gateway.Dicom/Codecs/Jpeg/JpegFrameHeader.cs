using System.Buffers.Binary;

namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>One component of a JPEG frame header (T.81 B.2.2).</summary>
internal readonly record struct JpegFrameComponent(int Id, int HorizontalSampling, int VerticalSampling, int QuantizationTable);

/// <summary>A JPEG frame header (SOFn segment, T.81 B.2.2).</summary>
internal sealed class JpegFrameHeader
{
    private JpegFrameHeader(byte marker, int precision, int lines, int samplesPerLine, JpegFrameComponent[] components)
    {
        Marker = marker;
        Precision = precision;
        Lines = lines;
        SamplesPerLine = samplesPerLine;
        Components = components;
    }

    /// <summary>The SOFn marker byte (0xC3 for lossless).</summary>
    public byte Marker { get; }

    public int Precision { get; }

    /// <summary>Y: the number of lines (0 when a DNL segment defines it).</summary>
    public int Lines { get; }

    public int SamplesPerLine { get; }

    public IReadOnlyList<JpegFrameComponent> Components { get; }

    public int IndexOf(int componentId)
    {
        for (var i = 0; i < Components.Count; i++)
        {
            if (Components[i].Id == componentId)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Parses the segment body that follows the marker and length.</summary>
    public static JpegFrameHeader Parse(byte marker, ReadOnlySpan<byte> segment)
    {
        if (segment.Length < 6)
        {
            throw new DicomCodecException("Corrupt JPEG frame header: too short.");
        }

        var count = segment[5];
        if (count == 0 || segment.Length < 6 + (3 * count))
        {
            throw new DicomCodecException($"Corrupt JPEG frame header: {count} components do not fit in {segment.Length} bytes.");
        }

        var components = new JpegFrameComponent[count];
        for (var i = 0; i < count; i++)
        {
            var offset = 6 + (3 * i);
            var id = segment[offset];
            for (var j = 0; j < i; j++)
            {
                if (components[j].Id == id)
                {
                    throw new DicomCodecException($"Corrupt JPEG frame header: component id {id} appears twice.");
                }
            }

            components[i] = new JpegFrameComponent(id, segment[offset + 1] >> 4, segment[offset + 1] & 0x0F, segment[offset + 2]);
        }

        return new JpegFrameHeader(
            marker,
            segment[0],
            BinaryPrimitives.ReadUInt16BigEndian(segment[1..]),
            BinaryPrimitives.ReadUInt16BigEndian(segment[3..]),
            components);
    }
}
