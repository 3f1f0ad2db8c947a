namespace Gateway.Core.Statistics;

/// <summary>
/// What one model measured on this archive for one modality, from the quality rows the compress jobs recorded. An
/// instance counts for the model its latent objects name (the latent, latent+residual or AI latent kept beside another
/// representation). <paramref name="Instances"/>: those served from the model's latent (latent or latent+residual), with the
/// median and 5th percentile of their PSNR (measured on the stored bytes' decode); <paramref name="Tried"/>: those whose
/// job tried the model's latent, <paramref name="Passed"/>: those where it qualified (met the target, within the ratio
/// cap and smaller than lossless).
/// </summary>
public sealed record ModelQuality(string Model, string Modality, long Instances, double? MedianPsnr, double? P5Psnr, long Tried, long Passed)
{
    public double? PassRate => Tried == 0 ? null : (double)Passed / Tried;
}

/// <summary>Computes <see cref="ModelQuality"/> per model and modality from the index.</summary>
public interface IModelStatistics
{
    Task<IReadOnlyList<ModelQuality>> ReadAsync(CancellationToken cancellationToken);
}
