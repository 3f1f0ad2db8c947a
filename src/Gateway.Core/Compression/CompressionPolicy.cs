namespace Gateway.Core.Compression;

/// <summary>
/// Chooses what the compress job does with an instance: the first rule that matches wins; when none does, the
/// pixels are stored losslessly (anything unknown is never stored lossy).
/// </summary>
public sealed class CompressionPolicy
{
    private readonly IReadOnlyList<CompressionRule> _rules;
    private readonly CompressionOptions _options;

    public CompressionPolicy(CompressionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _rules = options.Rules.Count > 0 ? options.Rules : DefaultRules;
    }

    /// <summary>
    /// Used when no rule is configured: monochrome CT, MR, CR, DX and XA may be stored as latent, latent+residual or
    /// j2k-lossy at the default target, with the AI latent kept; everything else (colour, MG, other modalities)
    /// falls through to lossless.
    /// </summary>
    public static IReadOnlyList<CompressionRule> DefaultRules { get; } =
    [
        new CompressionRule
        {
            Modalities = ["CT", "MR", "CR", "DX", "XA"],
            PhotometricInterpretations = ["MONOCHROME1", "MONOCHROME2"],
            Action = CompressionActionKind.Latent,
        },
    ];

    public CompressionAction Choose(CompressionSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        foreach (var rule in _rules)
        {
            if (rule.Matches(subject))
            {
                return ActionOf(rule, subject);
            }
        }

        return CompressionAction.Lossless;
    }

    private CompressionAction ActionOf(CompressionRule rule, CompressionSubject subject)
    {
        var lossy = rule.Representations.Where(representation => representation != Representation.Lossless).Distinct().ToList();
        var kind = rule.Action ?? (lossy.Count > 0 ? CompressionActionKind.Latent : CompressionActionKind.Lossless);
        if (kind == CompressionActionKind.KeepOriginal)
        {
            return CompressionAction.KeepOriginal;
        }

        if (kind is CompressionActionKind.Latent or CompressionActionKind.Latent3D && lossy.Count == 0)
        {
            lossy = rule.Representations.Count == 0 ? [.. CompressionAction.DefaultLossy] : [];
        }

        if (kind == CompressionActionKind.Lossless || lossy.Count == 0)
        {
            var keep = rule.KeepLatent ?? false;
            return keep ? CompressionAction.Lossless with { ModelId = rule.Model ?? _options.DefaultModel, KeepLatent = true } : CompressionAction.Lossless;
        }

        // A rule that bounds only the maximum error is not given the default PSNR/SSIM as well.
        var errorOnly = rule.MaxAbsError is not null && rule.MinPsnr is null && rule.MinSsim is null;
        var target = new QualityTarget(
            errorOnly ? null : rule.MinPsnr ?? _options.DefaultMinPsnr,
            errorOnly ? null : rule.MinSsim ?? _options.DefaultMinSsim,
            rule.MaxAbsError,
            rule.MaxRatio ?? CapOf(subject.Modality));
        var usesModel = lossy.Any(representation => representation.UsesModel());
        if (kind == CompressionActionKind.Latent3D)
        {
            // The rule's model is the 3D one; the slices that take the 2D path use the policy's default 2D model.
            return new CompressionAction(CompressionActionKind.Latent3D, _options.DefaultModel, target, lossy, rule.KeepLatent ?? usesModel)
            {
                VolumeModelId = rule.Model ?? _options.DefaultVolumeModel,
            };
        }

        return new CompressionAction(
            CompressionActionKind.Latent,
            rule.Model ?? _options.DefaultModel,
            target,
            lossy,
            rule.KeepLatent ?? usesModel);
    }

    private double? CapOf(string? modality) =>
        modality is not null && _options.MaxRatios.TryGetValue(modality.Trim(), out var cap) ? cap : MaxRatioPresets.CapOf(_options.MaxRatioPreset, modality);
}
