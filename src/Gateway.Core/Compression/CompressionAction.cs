namespace Gateway.Core.Compression;

/// <summary>What the compress job does with an instance.</summary>
public enum CompressionActionKind
{
    /// <summary>Store the smallest allowed lossy representation that meets the target; lossless when none does.</summary>
    Latent,

    /// <summary>Store the pixels losslessly (JPEG-LS, else JPEG 2000 lossless).</summary>
    Lossless,

    /// <summary>Keep the original as received.</summary>
    KeepOriginal,

    /// <summary>
    /// CT and MR: store the series as one 3D latent (the series job), each slice that meets the target served from
    /// it; a slice that misses it, an instance that is not part of the series' volume and any other modality take the
    /// <see cref="Latent"/> path with the same target. Opt-in per rule: no default rule uses it.
    /// </summary>
    Latent3D,
}

/// <summary>
/// The action a policy chose. For <see cref="CompressionActionKind.Latent"/>: the lossy representations allowed (in
/// the order they are tried), the model of the latent ones, and the target (<see cref="QualityTarget"/>). For any
/// kind, <see cref="KeepLatent"/>: store the AI latent of <see cref="ModelId"/> beside a non-latent representation.
/// For <see cref="CompressionActionKind.Latent3D"/> the same, plus <see cref="VolumeModelId"/>, the 3D model; the 2D
/// fields are its path for the slices that do not go into the series latent (<see cref="TwoDimensional"/>).
/// </summary>
public sealed record CompressionAction(
    CompressionActionKind Kind,
    string? ModelId,
    QualityTarget Target,
    IReadOnlyList<Representation> Representations,
    bool KeepLatent)
{
    /// <summary>The lossy representations of a Latent rule that names none, in the order they are tried.</summary>
    public static IReadOnlyList<Representation> DefaultLossy { get; } = [Representation.Latent, Representation.LatentResidual, Representation.J2kLossy];

    private static readonly QualityTarget NoTarget = new(null, null, null, null);

    public static CompressionAction Lossless { get; } = new(CompressionActionKind.Lossless, null, NoTarget, [], false);

    public static CompressionAction KeepOriginal { get; } = new(CompressionActionKind.KeepOriginal, null, NoTarget, [], false);

    /// <summary>The 3D model of a <see cref="CompressionActionKind.Latent3D"/> action; null for the others.</summary>
    public string? VolumeModelId { get; init; }

    /// <summary>The per-instance (2D) path of this action: a Latent3D action becomes Latent with the same target and representations.</summary>
    public CompressionAction TwoDimensional => Kind == CompressionActionKind.Latent3D ? this with { Kind = CompressionActionKind.Latent, VolumeModelId = null } : this;

    /// <summary>The least PSNR of the target (0 when unset).</summary>
    public double MinPsnr => Target.MinPsnr ?? 0;

    /// <summary>The least SSIM of the target (-1 when unset).</summary>
    public double MinSsim => Target.MinSsim ?? -1;

    /// <summary>Whether <paramref name="representation"/> may be stored.</summary>
    public bool Allows(Representation representation) => Kind == CompressionActionKind.Latent && Representations.Contains(representation);

    /// <summary>Whether the action needs the latent engine: it allows a latent representation or keeps the AI latent.</summary>
    public bool NeedsModel => ModelId is not null && (KeepLatent || Representations.Any(representation => representation.UsesModel()));
}
