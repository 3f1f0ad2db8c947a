namespace Gateway.Server.DicomWeb.Retrieve.Rendering;

/// <summary>An 8-bit image ready for a consumer format: grey (1 sample) or RGB (3 samples, interleaved), rows top to bottom.</summary>
internal sealed record RenderedImage(int Width, int Height, int Samples, byte[] Pixels)
{
    /// <summary>
    /// This image fitted into <paramref name="maxWidth"/> x <paramref name="maxHeight"/> with its aspect ratio kept:
    /// each output pixel averages the source pixels it covers (nearest pixel when enlarging).
    /// </summary>
    public RenderedImage FitInto(int maxWidth, int maxHeight)
    {
        var scale = Math.Min((double)maxWidth / Width, (double)maxHeight / Height);
        var width = Math.Max(1, (int)Math.Round(Width * scale));
        var height = Math.Max(1, (int)Math.Round(Height * scale));
        if (width == Width && height == Height)
        {
            return this;
        }

        var output = new byte[width * height * Samples];
        var sums = new long[Samples];
        for (var y = 0; y < height; y++)
        {
            var y0 = (int)Math.Floor(y * (double)Height / height);
            var y1 = Math.Max(y0 + 1, (int)Math.Ceiling((y + 1) * (double)Height / height));
            y1 = Math.Min(y1, Height);
            for (var x = 0; x < width; x++)
            {
                var x0 = (int)Math.Floor(x * (double)Width / width);
                var x1 = Math.Min(Math.Max(x0 + 1, (int)Math.Ceiling((x + 1) * (double)Width / width)), Width);
                Array.Clear(sums);
                for (var sy = y0; sy < y1; sy++)
                {
                    var row = sy * Width * Samples;
                    for (var sx = x0; sx < x1; sx++)
                    {
                        for (var s = 0; s < Samples; s++)
                        {
                            sums[s] += Pixels[row + (sx * Samples) + s];
                        }
                    }
                }

                var count = (y1 - y0) * (x1 - x0);
                for (var s = 0; s < Samples; s++)
                {
                    output[(((y * width) + x) * Samples) + s] = (byte)((sums[s] + (count / 2)) / count);
                }
            }
        }

        return new RenderedImage(width, height, Samples, output);
    }
}
