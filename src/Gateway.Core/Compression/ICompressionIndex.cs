using Gateway.Core.Archive;
using Gateway.Core.Storage;

namespace Gateway.Core.Compression;

/// <summary>What the compress job needs of an instance: what its rules match on, its outcome so far and its objects.</summary>
public sealed record CompressionCandidate(
    long InstanceId,
    string SopInstanceUid,
    string SopClassUid,
    string? Modality,
    string? CallingAE,
    string? BodyPartExamined,
    string? Compression,
    IReadOnlyList<ArchivedObject> Objects);

/// <summary>A replacement written, read back and verified: its kind, where it is, how it is coded and, for a latent, its model.</summary>
public sealed record VerifiedReplacement(StorageKind Kind, StoredObject Stored, string Codec, string? ModelId);

/// <summary>
/// One representation the compress job tried: its encoded pixel bytes, what it costs besides them, the quality of its
/// decode, whether it qualified, and a note.
/// </summary>
public sealed record CandidateTrial(string Representation, long Bytes, double? Psnr, double? Ssim, int? MaxAbsError, bool Qualifies, string? Note = null)
{
    /// <summary>What storing it costs besides the encoded pixels (<see cref="Representations.StorageOverhead"/>).</summary>
    public long ExtraBytes { get; init; }

    /// <summary>What storing it costs in all.</summary>
    public long AllInBytes => Bytes + ExtraBytes;
}

/// <summary>
/// What the compress job stores for an instance: the verified replacement (its header is in the header store); the
/// AI latent kept beside a non-latent replacement; the quality measured on the stored bytes' decode (null for lossless); the target; every candidate tried; and the reason.
/// </summary>
public sealed record CompressionOutcome(
    VerifiedReplacement Replacement,
    VerifiedReplacement? KeptLatent,
    QualityMeasure? Quality,
    QualityTarget? Target,
    IReadOnlyList<CandidateTrial> Trials,
    string Reason);

/// <summary>The index (PostgreSQL) side of the compress and retire-original jobs.</summary>
public interface ICompressionIndex
{
    /// <summary>The instance; null when it no longer exists (or is still being received).</summary>
    Task<CompressionCandidate?> LoadAsync(long instanceId, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: records the outcome's replacement as the instance's object (with its header object and
    /// kept AI latent, when there are), its representation, quality and candidates, the state compressed, and a
    /// retire-original job due after <paramref name="retention"/>. Nothing happens and false comes back when the
    /// original <paramref name="originalKey"/> no longer belongs to the instance (replaced meanwhile) or a
    /// replacement is recorded already.
    /// </summary>
    Task<bool> RecordReplacementAsync(long instanceId, string originalKey, CompressionOutcome outcome, TimeSpan retention, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> compressed instances whose original or lossless copy is still kept (the pixels as
    /// received), in id order: what the models page's dry run evaluates.
    /// </summary>
    Task<IReadOnlyList<long>> SampleRetainedAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Records that the original stays as it is.</summary>
    Task RecordKeptAsync(long instanceId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the original's object row of a compressed instance that has a replacement; returns the keys removed
    /// (empty when there is nothing to retire), for the caller to delete from the store after the commit.
    /// </summary>
    Task<IReadOnlyList<string>> RetireOriginalAsync(long instanceId, CancellationToken cancellationToken);
}
