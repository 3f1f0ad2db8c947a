namespace Gateway.Core.Statistics;

/// <summary>
/// Totals of a group of instances: how many, their original (uncompressed pixel) bytes, the bytes their objects
/// take in the store, and the ratio of the two (DESIGN.md: "512x means original pixel bytes / stored bytes").
/// </summary>
public sealed record StorageTotals(long Instances, long OriginalBytes, long StoredBytes)
{
    /// <summary>Original bytes per stored byte; 0 when nothing is stored.</summary>
    public double Ratio => StoredBytes == 0 ? 0 : (double)OriginalBytes / StoredBytes;
}

/// <summary>The totals of one storage kind (original, lossless, latent), with the number of its objects.</summary>
public sealed record StorageKindTotals(string Kind, long Objects, StorageTotals Totals);

/// <summary>How many jobs of a kind are in a state.</summary>
public sealed record JobCount(string Kind, string State, long Count);

/// <summary>
/// A job that failed for good: its kind, its instance (when it names one), the attempts it took (1 for a permanent
/// failure, which is not retried), the reason recorded and when.
/// </summary>
public sealed record FailedJob(long Id, string Kind, string? SopInstanceUid, int Attempts, string? Reason, DateTimeOffset? FailedAt);

/// <summary>How many latent instances' PSNR (dB, worst frame) fell in a bucket: [<see cref="From"/>, <see cref="To"/>), open where null.</summary>
public sealed record PsnrBucket(double? From, double? To, long Count)
{
    /// <summary>"&lt;30", "30-35", "&gt;=45".</summary>
    public string Label => (From, To) switch
    {
        (null, { } to) => FormattableString.Invariant($"<{to:0.##}"),
        ({ } from, null) => FormattableString.Invariant($">={from:0.##}"),
        _ => FormattableString.Invariant($"{From:0.##}-{To:0.##}"),
    };
}

/// <summary>The quality of the latents stored: how many have a PSNR, its minimum and median, and a histogram.</summary>
public sealed record PsnrDistribution(long Count, double? Min, double? Median, IReadOnlyList<PsnrBucket> Buckets)
{
    /// <summary>The bucket bounds (dB): &lt;30, 30-35, 35-40, 40-45, &gt;=45.</summary>
    public static IReadOnlyList<double> Bounds { get; } = [30, 35, 40, 45];

    public static PsnrDistribution Empty { get; } = new(0, null, null, []);
}

/// <summary>
/// The instances served from one representation (latent, latent+residual, j2k-lossy, lossless): their original pixel
/// bytes, the bytes of the representation's objects (the replacement and its header object; AI latents kept beside
/// are a storage kind of their own), and the quality measured on the stored bytes: PSNR (count, min, median,
/// buckets), the least SSIM and the largest absolute error recorded.
/// </summary>
public sealed record RepresentationTotals(string Representation, StorageTotals Totals, PsnrDistribution Psnr, double? MinSsim, int? MaxAbsError);

/// <summary>
/// The instances received on one day (UTC): their original pixel bytes, the bytes their objects take now, and what
/// that saved (negative while originals are kept beside their replacements).
/// </summary>
public sealed record DailySavings(DateOnly Day, long Instances, long OriginalBytes, long StoredBytes)
{
    public long SavedBytes => OriginalBytes - StoredBytes;
}

/// <summary>
/// What the queue got through and what went wrong lately: instances compressed in the last hour and in the last
/// 24 hours (instances.compressed_at), and the jobs that failed for good in the last 24 hours, per kind.
/// </summary>
public sealed record QueueActivity(long CompressedLastHour, long CompressedLast24Hours, IReadOnlyDictionary<string, long> FailedLast24Hours)
{
    public static QueueActivity None { get; } = new(0, 0, new Dictionary<string, long>());
}

/// <summary>What /api/stats reports: the archive's totals, the same per modality and per storage kind, and the queue.</summary>
public sealed record ArchiveStatistics(
    StorageTotals Totals,
    IReadOnlyDictionary<string, StorageTotals> ByModality,
    IReadOnlyList<StorageKindTotals> ByStorageKind,
    IReadOnlyList<JobCount> Jobs)
{
    /// <summary>Latent instances per model: their original pixel bytes and the bytes of their latents.</summary>
    public IReadOnlyDictionary<string, StorageTotals> ByModel { get; init; } = new Dictionary<string, StorageTotals>();

    /// <summary>Instances per compress outcome: latent, lossless, kept, and pending (not compressed yet).</summary>
    public IReadOnlyDictionary<string, long> ByCompression { get; init; } = new Dictionary<string, long>();

    /// <summary>Totals and quality per representation.</summary>
    public IReadOnlyList<RepresentationTotals> ByRepresentation { get; init; } = [];

    /// <summary>PSNR of the stored latents.</summary>
    public PsnrDistribution Psnr { get; init; } = PsnrDistribution.Empty;

    /// <summary>The latest failed jobs (at most <see cref="MaxRecentFailures"/>), newest first.</summary>
    public IReadOnlyList<FailedJob> RecentFailures { get; init; } = [];

    public const int MaxRecentFailures = 20;

    /// <summary>The size of the index database on disk (pg_database_size): headers, rows, indexes, its own overhead.</summary>
    public long DatabaseBytes { get; init; }

    /// <summary>Stored bytes all in: the objects plus the index database.</summary>
    public long StoredBytesWithDatabase => Totals.StoredBytes + DatabaseBytes;

    /// <summary>Savings per day of receipt over the last <see cref="SavingsDays"/> days, oldest first; days without instances are left out.</summary>
    public IReadOnlyList<DailySavings> SavingsByDay { get; init; } = [];

    public const int SavingsDays = 30;

    public QueueActivity Activity { get; init; } = QueueActivity.None;
}

/// <summary>The figures of <see cref="ArchiveStatistics"/> that come from the queue and recent activity, cheap enough to read on every request.</summary>
public sealed record QueueFigures(IReadOnlyList<JobCount> Jobs, IReadOnlyList<FailedJob> RecentFailures, QueueActivity Activity);

/// <summary>Computes <see cref="ArchiveStatistics"/> from the index.</summary>
public interface IArchiveStatistics
{
    Task<ArchiveStatistics> ReadAsync(CancellationToken cancellationToken);

    /// <summary>The queue's part alone: jobs, the latest failures and the recent activity.</summary>
    Task<QueueFigures> ReadQueueAsync(CancellationToken cancellationToken);
}
