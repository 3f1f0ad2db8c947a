using Gateway.Dicom.Imaging;

namespace Gateway.Core.Compression.Representations;

/// <summary>
/// The bytes each kind of representation costs besides its encoded pixels: for those stored as a Part 10 object
/// (lossless, j2k-lossy) the elements the object keeps (<paramref name="PartTenElements"/>,
/// <see cref="Headers.HeaderFreeFile"/>) and the AI latent kept beside them when the rule keeps latents
/// (<paramref name="KeptLatent"/>); none for the latent representations, which hold their latent and whose header is
/// the header store's alone. Zero compares pixel bytes alone.
/// </summary>
public sealed record StorageOverhead(long PartTenElements, long KeptLatent)
{
    public static StorageOverhead None { get; } = new(0, 0);

    public long Of(Representation representation) => representation.UsesModel() ? 0 : PartTenElements + KeptLatent;
}

/// <summary>The representation the chooser found smallest among those that qualify, with what the compress job needs to store it.</summary>
public sealed record RepresentationChoice(
    Representation Representation,
    IReadOnlyList<CandidateTrial> Trials,
    J2kLossyResult? J2kLossy = null,
    LatentResidualResult? LatentResidual = null,
    QualityMeasure? LatentQuality = null)
{
    /// <summary>The representation's name (RepresentationNames).</summary>
    public string Name => Representation.Name();

    /// <summary>The candidates tried, one after the other (what the log shows).</summary>
    public override string ToString() =>
        string.Join("; ", Trials.Select(trial => FormattableString.Invariant(
            $"{trial.Representation} {trial.Bytes}+{trial.ExtraBytes} B {(trial.Psnr is { } p ? $"{p:F2} dB" : "-")}{(trial.MaxAbsError is { } e ? $" max {e}" : string.Empty)} {(trial.Qualifies ? "ok" : "no")}{(trial.Note is { } n ? $" ({n})" : string.Empty)}")));
}

/// <summary>
/// Tries the representations a rule allows, in memory, and picks the one with the fewest bytes (encoded pixels plus
/// the bytes its kind costs besides them, <see cref="StorageOverhead"/>) that meets the target; lossless always qualifies and
/// bounds the rest (a lossy candidate must be smaller than the best so far, which also cuts each rate search short). The order, cheapest first: lossless (its size is the bound),
/// latent (one encode, already done), latent+residual (only when the latent alone misses the target, as it is
/// always larger), j2k-lossy. The compress job then writes the choice, reads it back, checks its SHA-256 and decodes
/// the stored bytes before its quality counts.
/// </summary>
public sealed class RepresentationChooser(DicomCodecRegistry registry, IQualityMeter meter)
{
    /// <param name="original">The original's stored values.</param>
    /// <param name="pixelData">The original's pixel data (for j2k-lossy, encoded exactly as its file will be).</param>
    /// <param name="losslessBytes">The lossless copy's encoded pixel bytes, or the native pixel bytes when there is none.</param>
    /// <param name="latent">The latent encoding (with its reconstruction), or null when no model applies or none could encode.</param>
    /// <param name="headers">The header bytes each kind of representation costs besides its pixels.</param>
    public RepresentationChoice Choose(CompressionAction action, PixelFrames original, DicomPixelData pixelData, long losslessBytes, LatentEncoding? latent, StorageOverhead headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(pixelData);
        var judge = new CandidateJudge(meter, action.Target);
        var pixelBytes = (long)original.Values.Length * (original.BitsAllocated / 8);
        var trials = new List<CandidateTrial> { new(RepresentationNames.Lossless, losslessBytes, null, null, 0, true) { ExtraBytes = headers.Of(Representation.Lossless) } };
        var best = (Representation: Representation.Lossless, Bytes: losslessBytes + headers.Of(Representation.Lossless));

        // The pixel bytes a candidate of this kind must stay under to beat the best so far.
        long Under(Representation representation) => best.Bytes - headers.Of(representation);
        QualityMeasure? latentQuality = null;
        if (latent is not null)
        {
            var (meets, quality) = judge.Judge(original, latent.Reconstruction);
            latentQuality = quality;
            if (action.Allows(Representation.Latent))
            {
                var withinCap = action.Target.AllowsRatio(pixelBytes, latent.Container.Length);
                var qualifies = meets && withinCap && latent.Container.Length < Under(Representation.Latent);
                trials.Add(Trial(RepresentationNames.Latent, latent.Container.Length, headers.Of(Representation.Latent), quality, qualifies, !withinCap ? "over the ratio cap" : latent.Quantization));
                if (qualifies)
                {
                    best = (Representation.Latent, latent.Container.Length + headers.Of(Representation.Latent));
                }
            }
        }

        LatentResidualResult? residual = null;
        if (latent is not null && action.Allows(Representation.LatentResidual) && best.Representation != Representation.Latent)
        {
            var under = Under(Representation.LatentResidual);
            residual = new LatentResidualCodec(registry).Search(original, latent.Container, latent.Reconstruction, judge, under, out var tried);
            trials.Add(residual is null
                ? new CandidateTrial(RepresentationNames.LatentResidual, 0, null, null, null, false, $"none under {under} pixel bytes meets the target ({tried} tried)")
                : Trial(RepresentationNames.LatentResidual, residual.Bytes, headers.Of(Representation.LatentResidual), residual.Quality, true, $"{residual.Object.Coding}, {tried} tried"));
            if (residual is not null)
            {
                best = (Representation.LatentResidual, residual.Bytes + headers.Of(Representation.LatentResidual));
            }
        }

        J2kLossyResult? j2k = null;
        var j2kEncoder = new J2kLossyEncoder(registry);
        if (action.Allows(Representation.J2kLossy) && j2kEncoder.CanEncode(pixelData))
        {
            var tried = 0;
            var under = Under(Representation.J2kLossy);
            j2k = under <= 0 ? null : j2kEncoder.Search(pixelData, original, judge, under, out tried);
            trials.Add(j2k is null
                ? new CandidateTrial(RepresentationNames.J2kLossy, 0, null, null, null, false, $"none under {under} pixel bytes meets the target ({tried} tried)")
                : Trial(RepresentationNames.J2kLossy, j2k.PixelBytes, headers.Of(Representation.J2kLossy), j2k.Quality, true, FormattableString.Invariant($"ratio {j2k.Ratio:F2}, {tried} tried")));
            if (j2k is not null)
            {
                best = (Representation.J2kLossy, j2k.PixelBytes + headers.Of(Representation.J2kLossy));
            }
        }

        return new RepresentationChoice(
            best.Representation,
            trials,
            best.Representation == Representation.J2kLossy ? j2k : null,
            best.Representation == Representation.LatentResidual ? residual : null,
            latentQuality);
    }

    private static CandidateTrial Trial(string representation, long bytes, long extraBytes, QualityMeasure quality, bool qualifies, string? note) =>
        new(representation, bytes, quality.Psnr, double.IsNaN(quality.Ssim) ? null : quality.Ssim, quality.MaxAbsError, qualifies, note) { ExtraBytes = extraBytes };
}
