namespace Gateway.Core.Statistics;

/// <summary>The objects of one storage kind (original, lossless, latent, header, j2k-lossy, latent+residual, ai-latent, latent3d): how many and their bytes.</summary>
public sealed record StoredKind(string Kind, long Objects, long Bytes);

/// <summary>A group of visible instances (a modality; a representation, "original" while no replacement serves): how many and their original pixel bytes.</summary>
public sealed record InstanceGroup(string Name, long Instances, long OriginalBytes);

/// <summary>
/// The work queue now: jobs per kind and state (done from job_totals), and per kind the seconds the oldest ready job
/// (queued, due) has waited since it came due; kinds with none ready are absent.
/// </summary>
public sealed record QueueState(IReadOnlyList<JobCount> Jobs, IReadOnlyDictionary<string, double> OldestReadySeconds)
{
    /// <summary>The jobs of <paramref name="kind"/> in <paramref name="state"/>.</summary>
    public long Count(string kind, string state) => Jobs.Where(job => job.Kind == kind && job.State == state).Sum(job => job.Count);

    public IEnumerable<string> Kinds => Jobs.Select(job => job.Kind).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
}

/// <summary>
/// The figures /metrics reports from PostgreSQL, by queries bounded in time and cheap enough to run every few seconds
/// (no per-instance sub-query over the objects): instances per modality, per representation and per compress outcome,
/// stored objects per kind, latents per model, the latents' PSNR buckets, the quality gate, the database's size and the queue.
/// </summary>
public sealed record OperationalGauges(
    IReadOnlyList<InstanceGroup> ByModality,
    IReadOnlyList<StoredKind> Stored,
    IReadOnlyList<InstanceGroup> ByRepresentation,
    IReadOnlyDictionary<string, long> ByCompression,
    IReadOnlyDictionary<string, StorageTotals> ByModel,
    PsnrDistribution Psnr,
    IReadOnlyList<GatePassRate> Gate,
    long DatabaseBytes,
    QueueState Queue);

/// <summary>Reads <see cref="OperationalGauges"/> and, cheaper still, the <see cref="QueueState"/> alone.</summary>
public interface IOperationalGauges
{
    Task<OperationalGauges> ReadAsync(CancellationToken cancellationToken);

    Task<QueueState> ReadQueueAsync(CancellationToken cancellationToken);
}
