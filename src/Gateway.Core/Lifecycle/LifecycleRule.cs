using Gateway.Core.Compression;

namespace Gateway.Core.Lifecycle;

/// <summary>What a lifecycle rule counts an instance's age from.</summary>
public enum LifecycleAgeBasis
{
    /// <summary>The study's Study Date (0008,0020); an instance whose study has no valid date is never moved by the rule.</summary>
    StudyDate,

    /// <summary>When the gateway received the instance.</summary>
    Received,
}

/// <summary>
/// One rule of Gateway:Lifecycle:Rules: instances of <see cref="Modalities"/> (any when empty) older than
/// <see cref="AgeDays"/> by <see cref="AgeBasis"/> are stored again as the cheapest of <see cref="Representations"/>
/// that meets the target (the compress job's choice; lossless is the fallback and is kept only when smaller).
/// </summary>
public sealed class LifecycleRule
{
    /// <summary>The rule's name: the console shows it and lifecycle_moves records it.</summary>
    public string Name { get; init; } = string.Empty;

    public double AgeDays { get; init; }

    public LifecycleAgeBasis AgeBasis { get; init; } = LifecycleAgeBasis.Received;

    public List<string> Modalities { get; init; } = [];

    /// <summary>The representations allowed, as in a compression rule; [Lossless] re-encodes lossless only.</summary>
    public List<Representation> Representations { get; init; } = [];

    /// <summary>The model of the latent representations; the compression policy's default when unset.</summary>
    public string? Model { get; init; }

    /// <summary>The least PSNR (dB, worst frame); the compression policy's default when no target is set.</summary>
    public double? MinPsnr { get; init; }

    /// <summary>The least SSIM (worst frame); the compression policy's default when no target is set.</summary>
    public double? MinSsim { get; init; }

    /// <summary>The largest absolute error of a stored value; unset: not bounded.</summary>
    public int? MaxAbsError { get; init; }

    public TimeSpan Age => TimeSpan.FromDays(AgeDays);

    public bool MatchesModality(string? modality) =>
        Modalities.Count == 0 || (modality is not null && Modalities.Exists(candidate => string.Equals(candidate.Trim(), modality.Trim(), StringComparison.OrdinalIgnoreCase)));
}
