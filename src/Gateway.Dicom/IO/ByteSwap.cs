namespace Gateway.Dicom.IO;

/// <summary>Swaps the byte order of every unit of a value in place (big endian to little endian and back).</summary>
internal static class ByteSwap
{
    public static void InPlace(Span<byte> value, int unitSize)
    {
        switch (unitSize)
        {
            case 2:
                for (var i = 0; i + 1 < value.Length; i += 2)
                {
                    (value[i], value[i + 1]) = (value[i + 1], value[i]);
                }

                break;
            case 4:
            case 8:
                for (var i = 0; i + unitSize <= value.Length; i += unitSize)
                {
                    value.Slice(i, unitSize).Reverse();
                }

                break;
        }
    }
}
