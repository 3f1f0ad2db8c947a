using Gateway.Core.Compression;

namespace Gateway.Compression.Quality;

/// <summary>The compress job's quality measure: Gateway.Compression's <see cref="QualityMetrics"/> (PSNR and SSIM, worst frame).</summary>
public sealed class QualityMeter : IQualityMeter
{
    public QualityMeasure Measure(PixelFrames original, PixelFrames reconstruction) => QualityMetrics.Measure(original, reconstruction);
}
