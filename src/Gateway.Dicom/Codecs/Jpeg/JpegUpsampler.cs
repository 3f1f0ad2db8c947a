namespace Gateway.Dicom.Codecs.Jpeg;

/// <summary>
/// Brings a subsampled component to full size the way libjpeg 6b does by default (jdsample.c with
/// fancy upsampling): triangle filters for 2:1 horizontal and 2:1 both ways ("h2v1"/"h2v2", with the
/// edge rows of the component repeated as context), plain replication for components of at most 2
/// samples per line and for every other integral ratio.
/// </summary>
internal static class JpegUpsampler
{
    /// <param name="input">The component's samples, <paramref name="stride"/> per line.</param>
    /// <param name="width">The component's width in samples.</param>
    /// <param name="height">The component's height in lines.</param>
    /// <param name="horizontal">Output samples per input sample horizontally.</param>
    /// <param name="vertical">Output lines per input line.</param>
    /// <param name="output">The full-size plane, <paramref name="outputWidth"/> x <paramref name="outputHeight"/>.</param>
    public static void Upsample(
        ReadOnlySpan<ushort> input, int stride, int width, int height, int horizontal, int vertical,
        Span<ushort> output, int outputWidth, int outputHeight)
    {
        var fancy = width > 2 && horizontal == 2 && vertical is 1 or 2;
        var wide = new ushort[(width * horizontal) + 1];
        for (var y = 0; y < outputHeight; y++)
        {
            var source = Math.Min(y / vertical, height - 1);
            var row = input.Slice(source * stride, width);
            if (fancy && vertical == 1)
            {
                FancyHorizontal(row, wide);
            }
            else if (fancy)
            {
                // The first output line of each pair leans on the input line above, the second on the one below.
                var neighbour = (y % 2 == 0) ? Math.Max(source - 1, 0) : Math.Min(source + 1, height - 1);
                FancyBoth(row, input.Slice(neighbour * stride, width), wide);
            }
            else
            {
                for (var x = 0; x < width * horizontal; x++)
                {
                    wide[x] = row[x / horizontal];
                }
            }

            wide.AsSpan(0, outputWidth).CopyTo(output.Slice(y * outputWidth, outputWidth));
        }
    }

    private static void FancyHorizontal(ReadOnlySpan<ushort> row, Span<ushort> output)
    {
        var last = row.Length - 1;
        output[0] = row[0];
        output[1] = (ushort)(((row[0] * 3) + row[1] + 2) >> 2);
        for (var x = 1; x < last; x++)
        {
            var value = row[x] * 3;
            output[2 * x] = (ushort)((value + row[x - 1] + 1) >> 2);
            output[(2 * x) + 1] = (ushort)((value + row[x + 1] + 2) >> 2);
        }

        output[2 * last] = (ushort)(((row[last] * 3) + row[last - 1] + 1) >> 2);
        output[(2 * last) + 1] = row[last];
    }

    private static void FancyBoth(ReadOnlySpan<ushort> nearer, ReadOnlySpan<ushort> further, Span<ushort> output)
    {
        var last = nearer.Length - 1;
        var current = (nearer[0] * 3) + further[0];
        var next = (nearer[1] * 3) + further[1];
        output[0] = (ushort)(((current * 4) + 8) >> 4);
        output[1] = (ushort)(((current * 3) + next + 7) >> 4);
        var previous = current;
        current = next;
        for (var x = 1; x < last; x++)
        {
            next = (nearer[x + 1] * 3) + further[x + 1];
            output[2 * x] = (ushort)(((current * 3) + previous + 8) >> 4);
            output[(2 * x) + 1] = (ushort)(((current * 3) + next + 7) >> 4);
            previous = current;
            current = next;
        }

        output[2 * last] = (ushort)(((current * 3) + previous + 8) >> 4);
        output[(2 * last) + 1] = (ushort)(((current * 4) + 7) >> 4);
    }
}
