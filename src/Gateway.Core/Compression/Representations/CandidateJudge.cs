namespace Gateway.Core.Compression.Representations;

/// <summary>
/// Measures a candidate's reconstruction against the original and says whether it meets the target: PSNR first (the
/// cheapest measure; a miss needs no SSIM), then SSIM and the largest absolute error.
/// </summary>
public sealed class CandidateJudge(IQualityMeter meter, QualityTarget target)
{
    public QualityTarget Target => target;

    /// <summary>The quality (SSIM NaN when the PSNR missed already) and whether it meets the target.</summary>
    public (bool Meets, QualityMeasure Quality) Judge(PixelFrames original, PixelFrames reconstruction)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(reconstruction);
        if (target.MinPsnr is { } minPsnr)
        {
            var psnr = meter.WorstPsnr(original, reconstruction);
            if (psnr < minPsnr)
            {
                return (false, new QualityMeasure(psnr, double.NaN));
            }
        }

        var quality = meter.Measure(original, reconstruction) with { MaxAbsError = NativeSamples.MaxAbsError(original, reconstruction) };
        return (target.Meets(quality), quality);
    }
}
