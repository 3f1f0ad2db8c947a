namespace Gateway.Compression.Quality;

/// <summary>
/// PSNR and SSIM of one reconstructed frame against its original, on values scaled by the original frame's own range
/// (max - min; 1 for a constant frame), so that the peak is 1 and the numbers compare with the model cards.
/// </summary>
public static class FrameQuality
{
    private const int WindowSize = 11;
    private const double WindowSigma = 1.5;
    private const double K1 = 0.01;
    private const double K2 = 0.03;

    /// <summary>10 log10(1 / MSE) on range-scaled values; positive infinity when the frames are equal.</summary>
    public static double Psnr(ReadOnlySpan<int> original, ReadOnlySpan<int> reconstructed)
    {
        CheckLengths(original, reconstructed);
        var range = Range(original).Width;
        var sum = 0.0;
        for (var i = 0; i < original.Length; i++)
        {
            var difference = (double)original[i] - reconstructed[i];
            sum += difference * difference;
        }

        if (sum == 0)
        {
            return double.PositiveInfinity;
        }

        return 10 * Math.Log10(range * range / (sum / original.Length));
    }

    /// <summary>
    /// Mean SSIM (Wang et al. 2004): 11x11 Gaussian window with sigma 1.5, K1 0.01, K2 0.03, peak 1 after scaling,
    /// averaged over every window position that lies wholly inside the frame. A frame narrower than 11 pixels uses the
    /// largest odd window that fits.
    /// </summary>
    public static double Ssim(ReadOnlySpan<int> original, ReadOnlySpan<int> reconstructed, int rows, int columns)
    {
        CheckLengths(original, reconstructed);
        if (rows <= 0 || columns <= 0 || (long)rows * columns != original.Length)
        {
            throw new ArgumentException($"{original.Length} values are not a {rows}x{columns} frame.", nameof(original));
        }

        var (min, range) = Range(original);
        var x = new double[original.Length];
        var y = new double[original.Length];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (original[i] - min) / range;
            y[i] = (reconstructed[i] - min) / range;
        }

        var size = Math.Min(WindowSize, Math.Min(rows, columns));
        size -= 1 - (size % 2);
        var window = GaussianWindow(size);
        var filter = new SeparableFilter(window, rows, columns);
        var meanX = filter.Apply(x);
        var meanY = filter.Apply(y);
        var meanXx = filter.Apply(Product(x, x));
        var meanYy = filter.Apply(Product(y, y));
        var meanXy = filter.Apply(Product(x, y));

        const double c1 = K1 * K1;
        const double c2 = K2 * K2;
        var total = 0.0;
        for (var i = 0; i < meanX.Length; i++)
        {
            var mx = meanX[i];
            var my = meanY[i];
            var varianceX = meanXx[i] - (mx * mx);
            var varianceY = meanYy[i] - (my * my);
            var covariance = meanXy[i] - (mx * my);
            total += ((2 * mx * my) + c1) * ((2 * covariance) + c2) / (((mx * mx) + (my * my) + c1) * (varianceX + varianceY + c2));
        }

        return total / meanX.Length;
    }

    private static (double Min, double Width) Range(ReadOnlySpan<int> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("A frame needs at least one value.", nameof(values));
        }

        int min = values[0], max = values[0];
        foreach (var value in values)
        {
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }

        return (min, max > min ? (double)max - min : 1);
    }

    private static double[] GaussianWindow(int size)
    {
        var window = new double[size];
        var centre = size / 2;
        for (var i = 0; i < size; i++)
        {
            window[i] = Math.Exp(-((i - centre) * (i - centre)) / (2 * WindowSigma * WindowSigma));
        }

        var sum = window.Sum();
        for (var i = 0; i < size; i++)
        {
            window[i] /= sum;
        }

        return window;
    }

    private static double[] Product(double[] a, double[] b)
    {
        var product = new double[a.Length];
        for (var i = 0; i < a.Length; i++)
        {
            product[i] = a[i] * b[i];
        }

        return product;
    }

    private static void CheckLengths(ReadOnlySpan<int> original, ReadOnlySpan<int> reconstructed)
    {
        if (original.Length != reconstructed.Length)
        {
            throw new ArgumentException($"The reconstruction has {reconstructed.Length} values; the original {original.Length}.", nameof(reconstructed));
        }
    }
}
