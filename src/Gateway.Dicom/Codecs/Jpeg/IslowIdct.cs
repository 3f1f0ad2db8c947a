namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// The accurate integer inverse DCT of libjpeg 6b ("islow", jidctint.c: the Loeffler-Ligtenberg-Moschytz
/// algorithm with 13-bit fixed-point constants), including its dequantisation, descaling and the
/// range-limit table that wraps out-of-range values, so that results match libjpeg-based decoders
/// (DCMTK's dcmdjpeg) bit for bit. 12-bit data keeps one bit less of intermediate precision, as libjpeg does.
/// Arithmetic is 64-bit like libjpeg's INT32 on LP64 systems, with the workspace truncated to int.
/// </summary>
internal sealed class IslowIdct
{
    private const int ConstBits = 13;
    private const int Fix0298631336 = 2446;
    private const int Fix0390180644 = 3196;
    private const int Fix0541196100 = 4433;
    private const int Fix0765366865 = 6270;
    private const int Fix0899976223 = 7373;
    private const int Fix1175875602 = 9633;
    private const int Fix1501321110 = 12299;
    private const int Fix1847759065 = 15137;
    private const int Fix1961570560 = 16069;
    private const int Fix2053119869 = 16819;
    private const int Fix2562915447 = 20995;
    private const int Fix3072711026 = 25172;

    private readonly int pass1Bits;
    private readonly int rangeMask;
    private readonly ushort[] rangeLimit;

    /// <param name="precision">Sample precision: 8 or 12 bits.</param>
    public IslowIdct(int precision)
    {
        pass1Bits = precision == 8 ? 2 : 1;
        var maximum = (1 << precision) - 1;
        var center = 1 << (precision - 1);
        rangeMask = (4 * (maximum + 1)) - 1;

        // libjpeg's post-IDCT table (prepare_range_limit_table), indexed by the descaled value masked with rangeMask:
        // x + center for -center <= x < center, the maximum for larger x, 0 for smaller, wrapping beyond that.
        rangeLimit = new ushort[4 * (maximum + 1)];
        for (var v = 0; v < rangeLimit.Length; v++)
        {
            rangeLimit[v] = (ushort)(v < center ? v + center
                : v < 2 * (maximum + 1) ? maximum
                : v < (4 * (maximum + 1)) - center ? 0
                : v - (4 * (maximum + 1)) + center);
        }
    }

    /// <summary>Dequantises and transforms one block into 8 rows of 8 samples at <paramref name="output"/> with the given stride.</summary>
    public void Transform(ReadOnlySpan<short> block, ReadOnlySpan<ushort> quantization, Span<ushort> output, int stride)
    {
        Span<int> workspace = stackalloc int[64];
        var descaleColumns = ConstBits - pass1Bits;
        for (var column = 0; column < 8; column++)
        {
            // Even part.
            long z2 = block[16 + column] * quantization[16 + column];
            long z3 = block[48 + column] * quantization[48 + column];
            var z1 = (z2 + z3) * Fix0541196100;
            var tmp2 = z1 + (z3 * -Fix1847759065);
            var tmp3 = z1 + (z2 * Fix0765366865);
            z2 = block[column] * quantization[column];
            z3 = block[32 + column] * quantization[32 + column];
            var tmp0 = (z2 + z3) << ConstBits;
            var tmp1 = (z2 - z3) << ConstBits;
            var tmp10 = tmp0 + tmp3;
            var tmp13 = tmp0 - tmp3;
            var tmp11 = tmp1 + tmp2;
            var tmp12 = tmp1 - tmp2;

            // Odd part.
            tmp0 = (long)block[56 + column] * quantization[56 + column];
            tmp1 = (long)block[40 + column] * quantization[40 + column];
            tmp2 = (long)block[24 + column] * quantization[24 + column];
            tmp3 = (long)block[8 + column] * quantization[8 + column];
            Odd(ref tmp0, ref tmp1, ref tmp2, ref tmp3);

            workspace[column] = Descale(tmp10 + tmp3, descaleColumns);
            workspace[56 + column] = Descale(tmp10 - tmp3, descaleColumns);
            workspace[8 + column] = Descale(tmp11 + tmp2, descaleColumns);
            workspace[48 + column] = Descale(tmp11 - tmp2, descaleColumns);
            workspace[16 + column] = Descale(tmp12 + tmp1, descaleColumns);
            workspace[40 + column] = Descale(tmp12 - tmp1, descaleColumns);
            workspace[24 + column] = Descale(tmp13 + tmp0, descaleColumns);
            workspace[32 + column] = Descale(tmp13 - tmp0, descaleColumns);
        }

        var descaleRows = ConstBits + pass1Bits + 3;
        for (var row = 0; row < 8; row++)
        {
            var w = workspace.Slice(row * 8, 8);
            long z2 = w[2];
            long z3 = w[6];
            var z1 = (z2 + z3) * Fix0541196100;
            var tmp2 = z1 + (z3 * -Fix1847759065);
            var tmp3 = z1 + (z2 * Fix0765366865);
            var tmp0 = ((long)w[0] + w[4]) << ConstBits;
            var tmp1 = ((long)w[0] - w[4]) << ConstBits;
            var tmp10 = tmp0 + tmp3;
            var tmp13 = tmp0 - tmp3;
            var tmp11 = tmp1 + tmp2;
            var tmp12 = tmp1 - tmp2;

            tmp0 = w[7];
            tmp1 = w[5];
            tmp2 = w[3];
            tmp3 = w[1];
            Odd(ref tmp0, ref tmp1, ref tmp2, ref tmp3);

            var line = output.Slice(row * stride, 8);
            line[0] = Limit(Descale(tmp10 + tmp3, descaleRows));
            line[7] = Limit(Descale(tmp10 - tmp3, descaleRows));
            line[1] = Limit(Descale(tmp11 + tmp2, descaleRows));
            line[6] = Limit(Descale(tmp11 - tmp2, descaleRows));
            line[2] = Limit(Descale(tmp12 + tmp1, descaleRows));
            line[5] = Limit(Descale(tmp12 - tmp1, descaleRows));
            line[3] = Limit(Descale(tmp13 + tmp0, descaleRows));
            line[4] = Limit(Descale(tmp13 - tmp0, descaleRows));
        }
    }

    /// <summary>The odd part of the 1-D transform: in, the inputs at positions 7, 5, 3, 1; out, the terms to add.</summary>
    private static void Odd(ref long tmp0, ref long tmp1, ref long tmp2, ref long tmp3)
    {
        var z1 = tmp0 + tmp3;
        var z2 = tmp1 + tmp2;
        var z3 = tmp0 + tmp2;
        var z4 = tmp1 + tmp3;
        var z5 = (z3 + z4) * Fix1175875602;
        tmp0 *= Fix0298631336;
        tmp1 *= Fix2053119869;
        tmp2 *= Fix3072711026;
        tmp3 *= Fix1501321110;
        z1 *= -Fix0899976223;
        z2 *= -Fix2562915447;
        z3 = (z3 * -Fix1961570560) + z5;
        z4 = (z4 * -Fix0390180644) + z5;
        tmp0 += z1 + z3;
        tmp1 += z2 + z4;
        tmp2 += z2 + z3;
        tmp3 += z1 + z4;
    }

    /// <summary>libjpeg's DESCALE in its 64-bit INT32 (a long on LP64), truncated to int like its (int) casts.</summary>
    private static int Descale(long value, int bits) => (int)((value + (1L << (bits - 1))) >> bits);

    private ushort Limit(int value) => rangeLimit[value & rangeMask];
}
