namespace Gateway.Dicom.Codecs.Rle;

/// <summary>One RLE segment (PS3.5 G.3): a byte stream compressed with PackBits-style runs.</summary>
internal static class RleSegment
{
    /// <summary>The most bytes one run header covers.</summary>
    public const int MaxRun = 128;

    /// <summary>
    /// Decodes <paramref name="segment"/> into <paramref name="destination"/>, which it must fill exactly;
    /// bytes the runs produce beyond it (the padding of an even-length segment) are ignored.
    /// </summary>
    public static void Decode(ReadOnlySpan<byte> segment, Span<byte> destination, int index)
    {
        var input = 0;
        var output = 0;
        while (output < destination.Length)
        {
            if (input >= segment.Length)
            {
                throw new DicomCodecException($"Corrupt RLE data: segment {index} decodes to {output} bytes; {destination.Length} expected.");
            }

            var header = (sbyte)segment[input++];
            if (header >= 0)
            {
                var count = header + 1;
                if (input + count > segment.Length)
                {
                    throw new DicomCodecException($"Corrupt RLE data: a literal run overruns segment {index}.");
                }

                count = Math.Min(count, destination.Length - output);
                segment.Slice(input, count).CopyTo(destination[output..]);
                input += header + 1;
                output += count;
            }
            else if (header != -128)
            {
                if (input >= segment.Length)
                {
                    throw new DicomCodecException($"Corrupt RLE data: a replicate run overruns segment {index}.");
                }

                var count = Math.Min(1 - header, destination.Length - output);
                destination.Slice(output, count).Fill(segment[input++]);
                output += count;
            }
        }
    }

    /// <summary>The most bytes <see cref="Encode"/> writes for <paramref name="length"/> input bytes.</summary>
    /// <remarks>Every literal header but the last either covers 128 bytes or precedes a replicate run of three or more, which saves a byte.</remarks>
    public static int MaxEncodedLength(int length) => length + (length / MaxRun) + 1;

    /// <summary>
    /// Encodes one row (runs never cross a row boundary, G.3.1): runs of three or more equal bytes as
    /// replicate runs, two equal bytes as a replicate run unless they follow a literal run, which they join.
    /// Returns the bytes written.
    /// </summary>
    public static int Encode(ReadOnlySpan<byte> row, Span<byte> destination)
    {
        var written = 0;
        var literalStart = 0;
        var literalLength = 0;
        var i = 0;
        while (i < row.Length)
        {
            var value = row[i];
            var run = 1;
            while (run < MaxRun && i + run < row.Length && row[i + run] == value)
            {
                run++;
            }

            if (run >= 3 || (run == 2 && literalLength == 0))
            {
                written += FlushLiteral(row.Slice(literalStart, literalLength), destination[written..]);
                literalLength = 0;
                destination[written++] = (byte)(1 - run);
                destination[written++] = value;
            }
            else
            {
                if (literalLength == 0)
                {
                    literalStart = i;
                }

                literalLength += run;
                if (literalLength >= MaxRun)
                {
                    written += FlushLiteral(row.Slice(literalStart, MaxRun), destination[written..]);
                    literalStart += MaxRun;
                    literalLength -= MaxRun;
                }
            }

            i += run;
        }

        return written + FlushLiteral(row.Slice(literalStart, literalLength), destination[written..]);
    }

    private static int FlushLiteral(ReadOnlySpan<byte> literal, Span<byte> destination)
    {
        if (literal.IsEmpty)
        {
            return 0;
        }

        destination[0] = (byte)(literal.Length - 1);
        literal.CopyTo(destination[1..]);
        return literal.Length + 1;
    }
}
