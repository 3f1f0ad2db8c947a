namespace Gateway.Core.Compression;

/// <summary>
/// How close a reconstruction is to its original, over all frames: PSNR in dB and mean SSIM, both computed per frame
/// on values scaled by the original frame's own range (max - min), as the model cards report them; the worst frame counts.
/// <paramref name="MaxAbsError"/> is the largest absolute difference of any stored value (null when not measured).
/// </summary>
public sealed record QualityMeasure(double Psnr, double Ssim, int? MaxAbsError = null);
