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

/// <summary>What /api/stats reports: the archive's totals, the same per modality and per storage kind, and the queue.</summary>
public sealed record ArchiveStatistics(
    StorageTotals Totals,
    IReadOnlyDictionary<string, StorageTotals> ByModality,
    IReadOnlyList<StorageKindTotals> ByStorageKind,
    IReadOnlyList<JobCount> Jobs);

/// <summary>Computes <see cref="ArchiveStatistics"/> from the index.</summary>
public interface IArchiveStatistics
{
    Task<ArchiveStatistics> ReadAsync(CancellationToken cancellationToken);
}
