namespace Gateway.Core.Archive;

/// <summary>What a retrieve asks for: a study, a series of it, or one instance of that series.</summary>
public sealed record RetrieveScope(string StudyInstanceUid, string? SeriesInstanceUid = null, string? SopInstanceUid = null);

/// <summary>An object that holds (a form of) an instance, as the index records it.</summary>
public sealed record ArchivedObject(StorageKind Kind, string Key, string Codec, long Size, string Sha256, string? ModelId)
{
    /// <summary>For a series latent (<see cref="StorageKind.Latent3D"/>): the instance's slice in it; null for the others.</summary>
    public int? SliceIndex { get; init; }
}

/// <summary>A stored instance, as retrieval needs it: identity, stored transfer syntax, geometry and its objects.</summary>
public sealed record ArchivedInstance(
    long Id,
    string StudyInstanceUid,
    string SeriesInstanceUid,
    string SopInstanceUid,
    string SopClassUid,
    string TransferSyntaxUid,
    InstanceState State,
    int? Rows,
    int? Columns,
    int? NumberOfFrames,
    IReadOnlyList<ArchivedObject> Objects)
{
    /// <summary>
    /// The object to serve the instance from: the original while it exists, then its one replacement (lossless,
    /// j2k-lossy, latent+residual or latent: the compress job records at most one; or its slice of a series latent), never a header object or an AI
    /// latent kept beside the replacement, which are not the instance's pixels.
    /// </summary>
    public ArchivedObject? Serving =>
        Objects.FirstOrDefault(o => o.Kind == StorageKind.Original)
        ?? Objects.FirstOrDefault(o => o.Kind == StorageKind.Lossless)
        ?? Objects.FirstOrDefault(o => o.Kind == StorageKind.J2kLossy)
        ?? Objects.FirstOrDefault(o => o.Kind == StorageKind.LatentResidual)
        ?? Objects.FirstOrDefault(o => o.Kind == StorageKind.Latent)
        ?? Objects.FirstOrDefault(o => o.Kind == StorageKind.Latent3D);

    /// <summary>The latent for AI pipelines (/latent): the latent replacement, else the AI latent kept beside another replacement; null when neither exists (a latent+residual object holds its latent inside).</summary>
    public ArchivedObject? AiLatent =>
        Objects.FirstOrDefault(o => o.Kind == StorageKind.Latent) ?? Objects.FirstOrDefault(o => o.Kind == StorageKind.AiLatent);

    /// <summary>The header object kept beside a latent (null for instances compressed before headers were kept, and for the others).</summary>
    public ArchivedObject? Header => Objects.FirstOrDefault(o => o.Kind == StorageKind.Header);
}

/// <summary>
/// The archive index, read side for retrieval (WADO, C-MOVE, C-GET): finds the visible instances of a scope and
/// their headers. Instances still being received are never returned.
/// </summary>
public interface IArchiveReader
{
    /// <summary>The instances in <paramref name="scope"/>, by series then Instance Number; empty when none match.</summary>
    Task<IReadOnlyList<ArchivedInstance>> LocateAsync(RetrieveScope scope, CancellationToken cancellationToken);

    /// <summary>The headers (DICOM JSON objects, bulk data as references) of the instances in <paramref name="scope"/>, in <see cref="LocateAsync"/>'s order.</summary>
    Task<IReadOnlyList<string>> ReadHeadersAsync(RetrieveScope scope, CancellationToken cancellationToken);

    /// <summary>
    /// The SOP Instance UIDs of a series latent (its object key) in slice order, as it was made (members deleted since
    /// included); null when no series latent has that key.
    /// </summary>
    Task<IReadOnlyList<string>?> ReadSliceOrderAsync(string seriesLatentKey, CancellationToken cancellationToken);
}
