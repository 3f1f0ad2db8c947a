using Gateway.Core.Compression;

namespace Gateway.Compression.Quality;

/// <summary>PSNR and SSIM of a reconstruction over all its frames: the worst frame's PSNR and the worst frame's SSIM.</summary>
public static class QualityMetrics
{
    /// <summary>Compares every frame of <paramref name="reconstructed"/> with the same frame of <paramref name="original"/>.</summary>
    public static QualityMeasure Measure(PixelFrames original, PixelFrames reconstructed)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(reconstructed);
        if ((original.Rows, original.Columns, original.Frames) != (reconstructed.Rows, reconstructed.Columns, reconstructed.Frames))
        {
            throw new ArgumentException(
                $"The reconstruction is {reconstructed.Frames} x {reconstructed.Rows}x{reconstructed.Columns}; the original {original.Frames} x {original.Rows}x{original.Columns}.",
                nameof(reconstructed));
        }

        var psnr = double.PositiveInfinity;
        var ssim = double.PositiveInfinity;
        for (var f = 0; f < original.Frames; f++)
        {
            psnr = Math.Min(psnr, FrameQuality.Psnr(original.Frame(f), reconstructed.Frame(f)));
            ssim = Math.Min(ssim, FrameQuality.Ssim(original.Frame(f), reconstructed.Frame(f), original.Rows, original.Columns));
        }

        return new QualityMeasure(psnr, ssim);
    }

    /// <summary>The worst frame's PSNR alone.</summary>
    public static double WorstPsnr(PixelFrames original, PixelFrames reconstructed)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(reconstructed);
        if (original.Values.Length != reconstructed.Values.Length)
        {
            throw new ArgumentException($"The reconstruction has {reconstructed.Values.Length} values; the original {original.Values.Length}.", nameof(reconstructed));
        }

        var psnr = double.PositiveInfinity;
        for (var f = 0; f < original.Frames; f++)
        {
            psnr = Math.Min(psnr, FrameQuality.Psnr(original.Frame(f), reconstructed.Frame(f)));
        }

        return psnr;
    }
}
