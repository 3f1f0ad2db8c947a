namespace Gateway.Core.Compression;

/// <summary>
/// One rule of a compression policy (an element of Gateway:Compression:Rules): conditions, all of which must hold,
/// and the action. An empty list or an unset bound matches anything. Modality, body part and photometric
/// interpretation compare case-insensitively, SOP Class UIDs and calling AE titles exactly (AE titles trimmed).
/// </summary>
public sealed class CompressionRule
{
    public List<string> Modalities { get; init; } = [];

    public List<string> SopClassUids { get; init; } = [];

    public List<string> CallingAETitles { get; init; } = [];

    public List<string> BodyParts { get; init; } = [];

    public List<string> PhotometricInterpretations { get; init; } = [];

    public int? MinRows { get; init; }

    public int? MaxRows { get; init; }

    public int? MinColumns { get; init; }

    public int? MaxColumns { get; init; }

    /// <summary>
    /// Latent (the lossy set: <see cref="Representations"/>, or latent, latent+residual and j2k-lossy), Latent3D (CT
    /// and MR series as one 3D latent, the lossy set for the rest), Lossless or KeepOriginal. Unset: Latent when <see cref="Representations"/> names a lossy one, else Lossless.
    /// </summary>
    public CompressionActionKind? Action { get; init; }

    /// <summary>
    /// The representations a Latent (lossy) rule may store, tried from the fewest bytes up; lossless always qualifies
    /// and is the fallback. Empty: Latent, LatentResidual and J2kLossy. Setting it makes Action Latent unless Action
    /// is KeepOriginal; [Lossless] alone stores lossless.
    /// </summary>
    public List<Representation> Representations { get; init; } = [];

    /// <summary>
    /// The model of the latent representations; the policy's default model when unset. For Action Latent3D the 3D
    /// model (default <see cref="CompressionOptions.DefaultVolumeModel"/>); its 2D path uses the policy's default model.
    /// </summary>
    public string? Model { get; init; }

    /// <summary>The least PSNR (dB, worst frame) of a lossy representation; the policy's default when no target is set.</summary>
    public double? MinPsnr { get; init; }

    /// <summary>The least SSIM (worst frame) of a lossy representation; the policy's default when no target is set.</summary>
    public double? MinSsim { get; init; }

    /// <summary>The largest absolute error of any stored value (in stored values, before any Modality LUT); unset: not bounded.</summary>
    [System.ComponentModel.DataAnnotations.Range(0, 65535)]
    public int? MaxAbsError { get; init; }

    /// <summary>The largest irreversible compression ratio (original pixel bytes / stored pixel bytes); unset: the preset's cap for the modality, if any.</summary>
    [System.ComponentModel.DataAnnotations.Range(1.0, 1e9)]
    public double? MaxRatio { get; init; }

    /// <summary>Keep the AI latent beside a non-latent representation (for /latent); unset: on where the rule allows a latent representation.</summary>
    public bool? KeepLatent { get; init; }

    public bool Matches(CompressionSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return AnyOf(Modalities, subject.Modality, StringComparison.OrdinalIgnoreCase)
            && AnyOf(SopClassUids, subject.SopClassUid, StringComparison.Ordinal)
            && AnyOf(CallingAETitles, subject.CallingAE?.Trim(), StringComparison.Ordinal)
            && AnyOf(BodyParts, subject.BodyPartExamined, StringComparison.OrdinalIgnoreCase)
            && AnyOf(PhotometricInterpretations, subject.PhotometricInterpretation, StringComparison.OrdinalIgnoreCase)
            && Within(subject.Rows, MinRows, MaxRows)
            && Within(subject.Columns, MinColumns, MaxColumns);
    }

    private static bool AnyOf(List<string> allowed, string? value, StringComparison comparison) =>
        allowed.Count == 0 || (value is not null && allowed.Exists(candidate => string.Equals(candidate.Trim(), value.Trim(), comparison)));

    private static bool Within(int value, int? min, int? max) => (min is null || value >= min) && (max is null || value <= max);
}
