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

    public CompressionActionKind Action { get; init; } = CompressionActionKind.Lossless;

    /// <summary>The model of a Latent rule; the policy's default model when unset.</summary>
    public string? Model { get; init; }

    /// <summary>The least PSNR (dB) of a Latent rule's reconstruction; the policy's default when unset.</summary>
    public double? MinPsnr { get; init; }

    /// <summary>The least SSIM of a Latent rule's reconstruction; the policy's default when unset.</summary>
    public double? MinSsim { get; init; }

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
