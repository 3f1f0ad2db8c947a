namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// libjpeg 6b's YCbCr to RGB conversion (jdcolor.c): JFIF full-range equations in 16-bit fixed point,
/// rounded the same way, with the results clamped to the sample range.
/// </summary>
internal sealed class YCbCrToRgb
{
    private const int ScaleBits = 16;
    private const int OneHalf = 1 << (ScaleBits - 1);

    private readonly int maximum;
    private readonly int[] crToRed;
    private readonly int[] cbToBlue;
    private readonly long[] crToGreen;
    private readonly long[] cbToGreen;

    public YCbCrToRgb(int precision)
    {
        maximum = (1 << precision) - 1;
        var center = 1 << (precision - 1);
        crToRed = new int[maximum + 1];
        cbToBlue = new int[maximum + 1];
        crToGreen = new long[maximum + 1];
        cbToGreen = new long[maximum + 1];
        for (var i = 0; i <= maximum; i++)
        {
            long x = i - center;
            crToRed[i] = (int)(((Fix(1.40200) * x) + OneHalf) >> ScaleBits);
            cbToBlue[i] = (int)(((Fix(1.77200) * x) + OneHalf) >> ScaleBits);
            crToGreen[i] = -Fix(0.71414) * x;
            cbToGreen[i] = (-Fix(0.34414) * x) + OneHalf;
        }
    }

    /// <summary>Converts full-size planes in place: Y, Cb, Cr become R, G, B.</summary>
    public void Convert(Span<ushort> first, Span<ushort> second, Span<ushort> third)
    {
        for (var i = 0; i < first.Length; i++)
        {
            int y = first[i];
            int cb = second[i];
            int cr = third[i];
            first[i] = Clamp(y + crToRed[cr]);
            second[i] = Clamp(y + (int)((cbToGreen[cb] + crToGreen[cr]) >> ScaleBits));
            third[i] = Clamp(y + cbToBlue[cb]);
        }
    }

    private static long Fix(double value) => (long)((value * (1L << ScaleBits)) + 0.5);

    private ushort Clamp(int value) => (ushort)Math.Clamp(value, 0, maximum);
}
