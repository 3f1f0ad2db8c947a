using System.Buffers.Binary;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Codecs;

/// <summary>
/// Brings a native frame to the layout <see cref="DecodedFrame.Data"/> promises: the bits above
/// BitsStored cleared for unsigned samples, filled with the sign bit for signed ones.
/// </summary>
internal static class NativeSampleBits
{
    /// <summary>Masks or sign-extends every sample of <paramref name="data"/> in place (8, 16 and 32-bit containers).</summary>
    public static void Normalize(Span<byte> data, FrameInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var stored = info.BitsStored;
        switch (info.BitsAllocated)
        {
            case 8 when stored < 8:
                NormalizeBytes(data, stored, info.IsSigned);
                break;
            case 16 when stored < 16:
                NormalizeWords(data, stored, info.IsSigned);
                break;
            case 32 when stored < 32:
                NormalizeDoubleWords(data, stored, info.IsSigned);
                break;
            default:
                break;
        }
    }

    private static void NormalizeBytes(Span<byte> data, int stored, bool signed)
    {
        var shift = 32 - stored;
        var mask = (1 << stored) - 1;
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = signed ? (byte)((data[i] << shift) >> shift) : (byte)(data[i] & mask);
        }
    }

    private static void NormalizeWords(Span<byte> data, int stored, bool signed)
    {
        var shift = 32 - stored;
        var mask = (1 << stored) - 1;
        for (var i = 0; i + 1 < data.Length; i += 2)
        {
            int value = BinaryPrimitives.ReadUInt16LittleEndian(data[i..]);
            value = signed ? (value << shift) >> shift : value & mask;
            BinaryPrimitives.WriteUInt16LittleEndian(data[i..], (ushort)value);
        }
    }

    private static void NormalizeDoubleWords(Span<byte> data, int stored, bool signed)
    {
        var shift = 32 - stored;
        var mask = (uint)((1L << stored) - 1);
        for (var i = 0; i + 3 < data.Length; i += 4)
        {
            var value = BinaryPrimitives.ReadUInt32LittleEndian(data[i..]);
            value = signed ? (uint)((int)(value << shift) >> shift) : value & mask;
            BinaryPrimitives.WriteUInt32LittleEndian(data[i..], value);
        }
    }
}
