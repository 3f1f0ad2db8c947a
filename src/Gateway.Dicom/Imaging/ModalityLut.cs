using System.Buffers.Binary;

namespace Gateway.Dicom.Imaging;

/// <summary>
/// The Modality LUT transformation (PS3.3 C.11.1): stored pixel values to modality values (e.g. Hounsfield
/// units), by the Modality LUT Sequence when present, else by Rescale Slope and Intercept, else identity.
/// </summary>
public sealed class ModalityLut
{
    private readonly double _slope;
    private readonly double _intercept;
    private readonly int[]? _table;
    private readonly int _firstMapped;

    private ModalityLut(double slope, double intercept, int[]? table, int firstMapped)
    {
        _slope = slope;
        _intercept = intercept;
        _table = table;
        _firstMapped = firstMapped;
    }

    public bool IsIdentity => _table is null && _slope == 1 && _intercept == 0;

    /// <summary>The transformation that <paramref name="dataset"/> (or a functional group item) defines.</summary>
    public static ModalityLut Create(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.GetSequence(DicomTags.ModalityLUTSequence) is { Items.Count: > 0 } sequence)
        {
            var item = sequence.Items[0];
            var descriptor = item.GetValues<int>(DicomTags.LUTDescriptor);
            if (descriptor.Length == 3 && item.GetElement(DicomTags.LUTData) is DicomValueElement data)
            {
                // The first mapped value is US or SS as Pixel Representation says (PS3.3 C.11.1.1.1).
                var first = descriptor[1];
                if (dataset.GetValueOrDefault(DicomTags.PixelRepresentation, 0) == 1 && first > short.MaxValue)
                {
                    first -= 65536;
                }

                return new ModalityLut(1, 0, ReadTable(data, descriptor), first);
            }
        }

        var slope = dataset.GetValueOrDefault(DicomTags.RescaleSlope, 1.0);
        var intercept = dataset.GetValueOrDefault(DicomTags.RescaleIntercept, 0.0);
        return new ModalityLut(slope == 0 ? 1 : slope, intercept, null, 0);
    }

    /// <summary>The modality value of one stored value (already confined to Bits Stored and sign-extended).</summary>
    public double Apply(int storedValue)
    {
        if (_table is null)
        {
            return (storedValue * _slope) + _intercept;
        }

        var index = Math.Clamp(storedValue - _firstMapped, 0, _table.Length - 1);
        return _table[index];
    }

    /// <summary>Stored values of a native frame (little endian, BitsAllocated 8 or 16, one sample) as modality values.</summary>
    public double[] Apply(ReadOnlySpan<byte> frame, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var count = info.PixelCount * info.SamplesPerPixel;
        var result = new double[count];
        var mask = (1 << info.BitsStored) - 1;
        var signBit = 1 << (info.BitsStored - 1);
        for (var i = 0; i < count; i++)
        {
            var raw = info.BytesPerSample switch
            {
                1 => frame[i],
                2 => BinaryPrimitives.ReadUInt16LittleEndian(frame[(i * 2)..]),
                _ => (int)BinaryPrimitives.ReadUInt32LittleEndian(frame[(i * 4)..]),
            };
            var value = info.BitsStored >= 32 ? raw : raw & mask;
            if (info.IsSigned && info.BitsStored < 32 && (value & signBit) != 0)
            {
                value -= 1 << info.BitsStored;
            }

            result[i] = Apply(value);
        }

        return result;
    }

    /// <summary>LUT Descriptor: entries (0 means 65536), first stored value mapped, bits per entry (PS3.3 C.11.1.1.1).</summary>
    private static int[] ReadTable(DicomValueElement data, int[] descriptor)
    {
        var entries = descriptor[0] == 0 ? 65536 : descriptor[0] & 0xFFFF;
        var bytes = data.Value.Span;
        var table = new int[entries];
        var eightBitPacked = descriptor[2] <= 8 && bytes.Length == entries;
        for (var i = 0; i < entries; i++)
        {
            if (eightBitPacked)
            {
                table[i] = bytes[i];
            }
            else if ((i * 2) + 1 < bytes.Length)
            {
                table[i] = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 2)..]);
            }
        }

        return table;
    }
}
