namespace Gateway.Core.Compression;

/// <summary>What the compress job does with an instance.</summary>
public enum CompressionActionKind
{
    /// <summary>Store a latent of the named model if its reconstruction passes the quality gate; lossless otherwise.</summary>
    Latent,

    /// <summary>Store the pixels losslessly (JPEG-LS, else JPEG 2000 lossless).</summary>
    Lossless,

    /// <summary>Keep the original as received.</summary>
    KeepOriginal,
}

/// <summary>
/// The action a policy chose: for <see cref="CompressionActionKind.Latent"/> the model and the quality gate (PSNR in
/// dB and SSIM of the worst frame, <see cref="QualityMeasure"/>) the reconstruction must reach.
/// </summary>
public sealed record CompressionAction(CompressionActionKind Kind, string? ModelId = null, double MinPsnr = 0, double MinSsim = 0)
{
    public static CompressionAction Lossless { get; } = new(CompressionActionKind.Lossless);

    public static CompressionAction KeepOriginal { get; } = new(CompressionActionKind.KeepOriginal);

    public static CompressionAction Latent(string modelId, double minPsnr, double minSsim)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        return new(CompressionActionKind.Latent, modelId, minPsnr, minSsim);
    }

    /// <summary>Whether <paramref name="quality"/> passes this action's gate.</summary>
    public bool Passes(QualityMeasure quality)
    {
        ArgumentNullException.ThrowIfNull(quality);
        return quality.Psnr >= MinPsnr && quality.Ssim >= MinSsim;
    }
}
