namespace Gateway.Core.Compression;

/// <summary>
/// Measures a reconstruction against its original (Gateway.Compression's Quality implements it): PSNR and SSIM
/// per frame on values scaled by the original frame's range, the worst frame reported, and the largest absolute
/// difference of any stored value.
/// </summary>
public interface IQualityMeter
{
    QualityMeasure Measure(PixelFrames original, PixelFrames reconstruction);

    /// <summary>The worst frame's PSNR alone (cheaper than <see cref="Measure"/>: rate searches try it first).</summary>
    double WorstPsnr(PixelFrames original, PixelFrames reconstruction);
}
