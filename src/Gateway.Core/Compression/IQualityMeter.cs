namespace Gateway.Core.Compression;

/// <summary>
/// Measures a reconstruction against its original (Gateway.Compression's Quality implements it): PSNR and SSIM
/// per frame on values scaled by the original frame's range, the worst frame reported.
/// </summary>
public interface IQualityMeter
{
    QualityMeasure Measure(PixelFrames original, PixelFrames reconstruction);
}
