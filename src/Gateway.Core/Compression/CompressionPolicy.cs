namespace Gateway.Core.Compression;

/// <summary>
/// Chooses what the compress job does with an instance: the first rule that matches wins; when none does, the
/// pixels are stored losslessly (anything unknown is never stored lossy). A promoted model (<see cref="ModelPromotion"/>)
/// replaces its rule's Model.
/// </summary>
public sealed class CompressionPolicy
{
    private readonly IReadOnlyList<CompressionRule> _rules;
    private readonly CompressionOptions _options;
    private readonly Dictionary<int, string> _promoted;

    public CompressionPolicy(CompressionOptions options)
        : this(options, [])
    {
    }

    public CompressionPolicy(CompressionOptions options, IReadOnlyList<ModelPromotion> promotions)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(promotions);
        _options = options;
        _rules = options.Rules.Count > 0 ? options.Rules : DefaultRules;
        _promoted = promotions.Where(promotion => promotion.Rule < _rules.Count).ToDictionary(promotion => promotion.Rule, promotion => promotion.ModelId);
    }

    /// <summary>The rules in force (the configured ones, or <see cref="DefaultRules"/>), first match wins.</summary>
    public IReadOnlyList<CompressionRule> Rules => _rules;

    /// <summary>The model rule <paramref name="rule"/> uses: its promotion, else its Model, else the policy's default (3D for Latent3D).</summary>
    public string ModelOf(int rule)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rule);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rule, _rules.Count);
        return _promoted.GetValueOrDefault(rule)
            ?? _rules[rule].Model
            ?? (_rules[rule].Action == CompressionActionKind.Latent3D ? _options.DefaultVolumeModel : _options.DefaultModel);
    }

    /// <summary>The position of the first rule that matches, or null (lossless).</summary>
    public int? RuleOf(CompressionSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        for (var i = 0; i < _rules.Count; i++)
        {
            if (_rules[i].Matches(subject))
            {
                return i;
            }
        }

        return null;
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

    public CompressionAction Choose(CompressionSubject subject) => RuleOf(subject) is { } rule ? ActionOf(rule, subject) : CompressionAction.Lossless;

    private CompressionAction ActionOf(int index, CompressionSubject subject)
    {
        var rule = _rules[index];
        var model = _promoted.GetValueOrDefault(index) ?? rule.Model;
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
            return keep ? CompressionAction.Lossless with { ModelId = model ?? _options.DefaultModel, KeepLatent = true } : CompressionAction.Lossless;
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
                VolumeModelId = model ?? _options.DefaultVolumeModel,
            };
        }

        return new CompressionAction(
            CompressionActionKind.Latent,
            model ?? _options.DefaultModel,
            target,
            lossy,
            rule.KeepLatent ?? usesModel);
    }

    private double? CapOf(string? modality) =>
        modality is not null && _options.MaxRatios.TryGetValue(modality.Trim(), out var cap) ? cap : MaxRatioPresets.CapOf(_options.MaxRatioPreset, modality);
}
