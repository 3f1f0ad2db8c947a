namespace Gateway.Core.Statistics;

/// <summary>How many measured values fell in [<see cref="From"/>, <see cref="To"/>), open where null.</summary>
public sealed record HistogramBucket(double? From, double? To, long Count)
{
    /// <summary>"&lt;30", "30-35", "&gt;=45".</summary>
    public string Label => (From, To) switch
    {
        (null, { } to) => FormattableString.Invariant($"<{to:0.###}"),
        ({ } from, null) => FormattableString.Invariant($">={from:0.###}"),
        _ => FormattableString.Invariant($"{From:0.###}-{To:0.###}"),
    };
}

/// <summary>
/// The quality measured on the stored bytes of one group of compressed instances (a modality, a representation and
/// the model its latent came from, "" for none): how many, how many have each measure, the worst and median PSNR, the
/// least SSIM, the largest absolute error (stored values), and a histogram of each.
/// </summary>
public sealed record QualityGroup(
    string Modality,
    string Representation,
    string Model,
    long Instances,
    double? MinPsnr,
    double? MedianPsnr,
    double? MinSsim,
    int? MaxAbsError,
    IReadOnlyList<HistogramBucket> Psnr,
    IReadOnlyList<HistogramBucket> Ssim,
    IReadOnlyList<HistogramBucket> AbsError)
{
    public string Key => $"{Modality}|{Representation}|{Model}";
}

/// <summary>
/// The quality gate per modality ("" for all): instances whose compress job tried a lossy candidate, and how many of them
/// got a lossy representation (one met its target); the rest were stored lossless.
/// </summary>
public sealed record GatePassRate(string Modality, long Tried, long Passed)
{
    public double? Rate => Tried == 0 ? null : (double)Passed / Tried;
}

/// <summary>A lossy instance among the worst measured: its UIDs, modality, representation, model and figures.</summary>
public sealed record MeasuredInstance(
    string StudyInstanceUid,
    string SeriesInstanceUid,
    string SopInstanceUid,
    string Modality,
    string Representation,
    string Model,
    double? Psnr,
    double? Ssim,
    int? MaxAbsError);

/// <summary>What the console's quality page and GET /api/quality show.</summary>
public sealed record QualityReport(IReadOnlyList<QualityGroup> Groups, IReadOnlyList<GatePassRate> Gate, IReadOnlyList<MeasuredInstance> Worst)
{
    /// <summary>PSNR bucket bounds (dB), those of /api/stats.</summary>
    public static IReadOnlyList<double> PsnrBounds => PsnrDistribution.Bounds;

    public static IReadOnlyList<double> SsimBounds { get; } = [0.9, 0.95, 0.98, 0.99, 0.995];

    /// <summary>Absolute error bounds in stored values: 0, 1-2, 3-8, 9-32, 33-128, more.</summary>
    public static IReadOnlyList<double> AbsErrorBounds { get; } = [1, 3, 9, 33, 129];

    public const int WorstCount = 10;
}

/// <summary>Computes the <see cref="QualityReport"/> from the index.</summary>
public interface IQualityStatistics
{
    Task<QualityReport> ReadAsync(CancellationToken cancellationToken);

    /// <summary>One visible instance's modality, representation ("original" while not compressed), model and measured figures; null when there is none.</summary>
    Task<MeasuredInstance?> FindAsync(string sopInstanceUid, CancellationToken cancellationToken);

    /// <summary>
    /// A sample of compressed instances whose original is still kept (so that they can be compared), in an order
    /// fixed by the sample's seed, at most its count.
    /// </summary>
    Task<IReadOnlyList<MeasuredInstance>> SampleAsync(CompareSample sample, CancellationToken cancellationToken);
}
