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
    /// Used when no rule is configured: monochrome CT, MR, CR, DX and XA to the default model with the default gate;
    /// everything else (colour, MG, other modalities) falls through to lossless.
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
                return rule.Action switch
                {
                    CompressionActionKind.Latent => CompressionAction.Latent(
                        rule.Model ?? _options.DefaultModel, rule.MinPsnr ?? _options.DefaultMinPsnr, rule.MinSsim ?? _options.DefaultMinSsim),
                    CompressionActionKind.KeepOriginal => CompressionAction.KeepOriginal,
                    _ => CompressionAction.Lossless,
                };
            }
        }

        return CompressionAction.Lossless;
    }
}
