using System.Globalization;
using Gateway.Core.Compression;

namespace Gateway.Core.Lifecycle;

/// <summary>
/// The lifecycle rules as the job and the index apply them: checked at start (<see cref="Problems"/>), the rule that
/// decides for an instance (the oldest age it has reached among the rules matching its modality), and the compress
/// job's action for it.
/// </summary>
public sealed class LifecycleRules
{
    private readonly CompressionOptions _compression;

    public LifecycleRules(LifecycleOptions options, CompressionOptions compression)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(compression);
        _compression = compression;
        Oldest = [.. options.Rules.OrderByDescending(rule => rule.AgeDays)];
    }

    /// <summary>The rules, oldest age first (the order they decide in).</summary>
    public IReadOnlyList<LifecycleRule> Oldest { get; }

    /// <summary>What is wrong with the rules, each naming its setting; empty when they can be applied.</summary>
    public static IReadOnlyList<string> Problems(LifecycleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        for (var index = 0; index < options.Rules.Count; index++)
        {
            var rule = options.Rules[index];
            var name = string.Create(CultureInfo.InvariantCulture, $"{LifecycleOptions.SectionName}:Rules:{index}");
            if (string.IsNullOrWhiteSpace(rule.Name))
            {
                problems.Add($"{name}:Name is missing: every lifecycle rule needs a name.");
            }
            else if (options.Rules.Take(index).Any(earlier => string.Equals(earlier.Name.Trim(), rule.Name.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"{name}:Name '{rule.Name}' is used by an earlier rule: names must be unique.");
            }

            if (!(rule.AgeDays > 0 && rule.AgeDays <= 36500))
            {
                problems.Add($"{name}:AgeDays must be more than 0 and at most 36500 (days), not {rule.AgeDays.ToString(CultureInfo.InvariantCulture)}.");
            }

            if (!Enum.IsDefined(rule.AgeBasis))
            {
                problems.Add($"{name}:AgeBasis must be StudyDate or Received.");
            }

            if (rule.Representations.Count == 0)
            {
                problems.Add($"{name}:Representations is empty: name what the rule may store (Latent, LatentResidual, J2kLossy, Lossless).");
            }

            if (rule.Modalities.Exists(string.IsNullOrWhiteSpace))
            {
                problems.Add($"{name}:Modalities has an empty entry.");
            }

            if (rule.MinPsnr is < 0 or > 200 || rule.MinSsim is < -1 or > 1 || rule.MaxAbsError is < 0 or > 65535)
            {
                problems.Add($"{name}: MinPsnr must be within 0-200 dB, MinSsim within -1..1, MaxAbsError within 0-65535.");
            }
        }

        foreach (var (first, second) in options.Rules.SelectMany((rule, i) => options.Rules.Skip(i + 1).Select(other => (rule, other))))
        {
            if (first.AgeDays == second.AgeDays && first.AgeDays > 0 && (first.Modalities.Count == 0 || second.Modalities.Count == 0 || first.Modalities.Intersect(second.Modalities, StringComparer.OrdinalIgnoreCase).Any()))
            {
                problems.Add($"{LifecycleOptions.SectionName}:Rules '{first.Name}' and '{second.Name}' have the same age and a modality in common: which one decides would be unclear.");
            }
        }

        return problems;
    }

    /// <summary>The rule that decides for an instance now: the oldest age it has reached among the rules matching its modality; null when none.</summary>
    public LifecycleRule? Decide(string? modality, string? studyDate, DateTimeOffset receivedAt, DateTimeOffset now) =>
        Oldest.FirstOrDefault(rule => rule.MatchesModality(modality) && IsOlder(rule, studyDate, receivedAt, now));

    /// <summary>The latest Study Date (DICOM DA, yyyyMMdd) an instance may have to be older than <paramref name="rule"/>'s age.</summary>
    public static string StudyDateCutoff(LifecycleRule rule, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return (now - rule.Age).UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
    }

    /// <summary>The compress job's action for an instance the rule moves: the rule's representations and target, no AI latent kept beside.</summary>
    public CompressionAction ActionOf(LifecycleRule rule, CompressionSubject subject)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var lossy = rule.Representations.Exists(representation => representation != Representation.Lossless);
        var policy = new CompressionPolicy(new CompressionOptions
        {
            DefaultModel = _compression.DefaultModel,
            DefaultMinPsnr = _compression.DefaultMinPsnr,
            DefaultMinSsim = _compression.DefaultMinSsim,
            MaxRatioPreset = _compression.MaxRatioPreset,
            MaxRatios = _compression.MaxRatios,
            Rules =
            [
                new CompressionRule
                {
                    Action = lossy ? CompressionActionKind.Latent : CompressionActionKind.Lossless,
                    Representations = rule.Representations,
                    Model = rule.Model,
                    MinPsnr = rule.MinPsnr,
                    MinSsim = rule.MinSsim,
                    MaxAbsError = rule.MaxAbsError,
                    KeepLatent = false,
                },
            ],
        });
        return policy.Choose(subject);
    }

    private static bool IsOlder(LifecycleRule rule, string? studyDate, DateTimeOffset receivedAt, DateTimeOffset now) => rule.AgeBasis switch
    {
        LifecycleAgeBasis.StudyDate => studyDate is { Length: 8 } date && date.All(char.IsAsciiDigit) && string.CompareOrdinal(date, StudyDateCutoff(rule, now)) < 0,
        _ => receivedAt < now - rule.Age,
    };
}
