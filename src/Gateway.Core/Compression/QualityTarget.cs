namespace Gateway.Core.Compression;

/// <summary>
/// What an irreversible representation must reach to be stored: the least PSNR (dB) and SSIM of the worst frame
/// (<see cref="QualityMeasure"/>), the largest absolute difference of any stored value from the original's, and the
/// largest compression ratio allowed (original pixel bytes / stored pixel bytes, e.g. a national cap such as
/// 8:1 for CT). An unset bound does not constrain.
/// </summary>
public sealed record QualityTarget(double? MinPsnr, double? MinSsim, int? MaxAbsError, double? MaxRatio)
{
    /// <summary>Whether <paramref name="quality"/> reaches every set bound of quality (the ratio is checked apart: <see cref="AllowsRatio"/>).</summary>
    public bool Meets(QualityMeasure quality)
    {
        ArgumentNullException.ThrowIfNull(quality);
        return (MinPsnr is not { } psnr || quality.Psnr >= psnr)
            && (MinSsim is not { } ssim || quality.Ssim >= ssim)
            && (MaxAbsError is not { } error || (quality.MaxAbsError is { } measured && measured <= error));
    }

    /// <summary>Whether storing <paramref name="pixelBytes"/> of original pixels in <paramref name="storedBytes"/> stays within the cap.</summary>
    public bool AllowsRatio(long pixelBytes, long storedBytes) => MaxRatio is not { } cap || (storedBytes > 0 && (double)pixelBytes / storedBytes <= cap);

    /// <summary>The fewest bytes an irreversible representation of <paramref name="pixelBytes"/> may take (0 without a cap).</summary>
    public long MinBytes(long pixelBytes) => MaxRatio is { } cap && cap > 0 ? (long)Math.Ceiling(pixelBytes / cap) : 0;

    public override string ToString() =>
        string.Join(", ", new[]
        {
            MinPsnr is { } p ? FormattableString.Invariant($"PSNR >= {p} dB") : null,
            MinSsim is { } s ? FormattableString.Invariant($"SSIM >= {s}") : null,
            MaxAbsError is { } e ? FormattableString.Invariant($"max error <= {e}") : null,
            MaxRatio is { } r ? FormattableString.Invariant($"ratio <= {r}:1") : null,
        }.Where(part => part is not null));
}
