using Gateway.Core.Archive;
using Gateway.Core.Compression;

namespace Gateway.Core.Series;

/// <summary>An instance of a series as the series job sees it: its identity, its outcome so far (null: pending) and its original.</summary>
public sealed record SeriesMember(long InstanceId, string SopInstanceUid, string SopClassUid, string? CallingAE, string? Compression, ArchivedObject? Original);

/// <summary>
/// A series for the series job: what rules match on, when its last instance arrived, whether a series latent was
/// made for it already (then every pending instance is late and takes the 2D path), and its stored instances.
/// </summary>
public sealed record SeriesMembers(
    long SeriesId,
    string SeriesInstanceUid,
    string? Modality,
    string? BodyPartExamined,
    DateTimeOffset LastReceived,
    bool HasLatent,
    IReadOnlyList<SeriesMember> Members);

/// <summary>A slice that met its target: the instance, the original it replaces, its index in the volume and the quality of its decode.</summary>
public sealed record SeriesLatentSlice(long InstanceId, string OriginalKey, int SliceIndex, QualityMeasure Quality);

/// <summary>
/// A series latent written, read back, checksum-verified and decoded from its stored bytes: where it is, the model,
/// its geometry, the SOP Instance UIDs of its slices in order, and the slices that serve from it.
/// </summary>
public sealed record SeriesLatentRecord(
    long SeriesId,
    Storage.StoredObject Stored,
    LatentModelInfo Model,
    int Rows,
    int Columns,
    IReadOnlyList<string> SliceOrder,
    IReadOnlyList<SeriesLatentSlice> Serving,
    QualityTarget Target);

/// <summary>The index (PostgreSQL) side of the series job (migrations/0013_series_latents.sql).</summary>
public interface ISeriesLatentIndex
{
    /// <summary>Queues the series job of the instance's series due <paramref name="quiet"/> from now, or pushes a queued one back to then.</summary>
    Task ScheduleAsync(long instanceId, TimeSpan quiet, CancellationToken cancellationToken);

    /// <summary>Queues the series job of series <paramref name="seriesId"/> due at <paramref name="due"/> (or moves a queued one there).</summary>
    Task ScheduleSeriesAsync(long seriesId, DateTimeOffset due, CancellationToken cancellationToken);

    /// <summary>
    /// Holds the series for one series job until disposed (a PostgreSQL advisory lock: a process that dies lets go);
    /// null when another series job holds it (the queue may hand a second job of a series to another worker while
    /// the first runs).
    /// </summary>
    Task<IAsyncDisposable?> TryHoldAsync(long seriesId, CancellationToken cancellationToken);

    /// <summary>The series and its visible instances; null when it no longer exists.</summary>
    Task<SeriesMembers?> LoadAsync(long seriesId, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: the model's row (3D models are registered when first used), the series latent's row, and
    /// for every serving slice its instance marked compressed as latent3d with its slice and quality, and a
    /// retire-original job due after <paramref name="retention"/>. Nothing happens and false comes back when any of
    /// those instances is no longer pending with that original (replaced, deleted or compressed meanwhile).
    /// </summary>
    Task<bool> RecordAsync(SeriesLatentRecord record, TimeSpan retention, CancellationToken cancellationToken);

    /// <summary>Queues the per-instance (2D) compress job of each instance (<see cref="Jobs.CompressJobHandler.TwoDimensionalJobKind"/>).</summary>
    Task EnqueueTwoDimensionalAsync(IReadOnlyList<long> instanceIds, CancellationToken cancellationToken);
}
