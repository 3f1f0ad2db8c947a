using System.ComponentModel.DataAnnotations;

namespace Gateway.Core.Compression;

/// <summary>
/// Section Gateway:Compression (appsettings.json, GATEWAY__COMPRESSION__* environment variables): whether new
/// instances are compressed, how long originals are kept once a verified replacement exists, and the policy.
/// </summary>
public sealed class CompressionOptions
{
    public const string SectionName = "Gateway:Compression";

    /// <summary>Enqueue a compress job for every new instance; off keeps every original as received.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Days an original is kept after its replacement passed (0: deleted at once).</summary>
    [Range(0, 36500)]
    public double RetentionDays { get; set; }

    /// <summary>
    /// The model of Latent rules that name none. compact-f16-c2: f=16 (4x per side), the factor at which MedVAE's
    /// findings keep CAD performance, and at most 1/16 of the pixel elements stored before entropy coding.
    /// </summary>
    [Required]
    public string DefaultModel { get; set; } = "compact-f16-c2";

    /// <summary>
    /// The 3D model of Latent3D rules that name none. compact3d-f64-c0: f=64 (4x per axis). Far below the 30 dB
    /// default target on most slices (see its model card): a Latent3D rule sets its own target.
    /// </summary>
    [Required]
    public string DefaultVolumeModel { get; set; } = "compact3d-f64-c0";

    /// <summary>How long after its last instance arrived a series must be quiet before the series job assembles its volume (Latent3D rules).</summary>
    [Range(0, 86400)]
    public double SeriesQuietSeconds { get; set; } = 60;

    /// <summary>
    /// The least PSNR (dB, worst frame) of the default rules and of lossy rules that set no target (MinPsnr, MinSsim, MaxAbsError). 30 dB: on the eval split of compact-f16-c2's card every
    /// CT slice (35.4-42.5 dB) and radiograph but one (29.2-52.0 dB) passes, as do the MPRAGE slices 150-186 (32.5-48.8 dB);
    /// the noise-only MPRAGE edge slices (26.4-28.4 dB), its central slices (28.8-29.1 dB) and most of the other sites'
    /// small DWI/EPI series (25.5-30.0 dB) fail and go to the next candidate (latent+residual, j2k-lossy, lossless).
    /// </summary>
    [Range(0, 200)]
    public double DefaultMinPsnr { get; set; } = 30;

    /// <summary>
    /// The least SSIM (worst frame) of the default rules and of lossy rules that set no target. 0.80: the card's CT slices (0.943-0.974), MR
    /// body slices (0.90-0.99) and raw radiographs (0.92-0.99) pass; the MR noise slices (0.44-0.53) and the
    /// CLAHE-processed radiographs whose structure the model blurs (0.69-0.79) fail.
    /// </summary>
    [Range(-1, 1)]
    public double DefaultMinSsim { get; set; } = 0.80;

    /// <summary>Per-modality caps on irreversible compression switched on as a set (None, German: CT 8:1, MR 7:1, CR/DX 10:1, MG 15:1).</summary>
    public MaxRatioPreset MaxRatioPreset { get; set; } = MaxRatioPreset.None;

    /// <summary>Caps on irreversible compression by modality (e.g. MaxRatios:CT = 8), over the preset's; a rule's MaxRatio wins over both.</summary>
    public Dictionary<string, double> MaxRatios { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The most instances one backfill (the console's models page) queues; a later backfill of the same rule and model takes the next ones.</summary>
    [Range(1, 100000)]
    public int BackfillBatchSize { get; set; } = 500;

    /// <summary>The rules, first match wins; empty: <see cref="CompressionPolicy.DefaultRules"/>. No match: lossless.</summary>
    public List<CompressionRule> Rules { get; init; } = [];

    public TimeSpan Retention => TimeSpan.FromDays(RetentionDays);

    public TimeSpan SeriesQuiet => TimeSpan.FromSeconds(SeriesQuietSeconds);
}
