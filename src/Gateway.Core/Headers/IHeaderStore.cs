namespace Gateway.Core.Headers;

/// <summary>A series header as stored: its id, its Zstandard frame and the SHA-256 of the content the frame holds.</summary>
public sealed record StoredSeriesHeader(long Id, string SeriesInstanceUid, byte[] Frame, string ContentSha256);

/// <summary>
/// Where headers live (PostgreSQL): series headers, one per Series Instance UID, written once and never changed, so
/// that the deltas coded against them stay decodable (not deleted while an instance references them); and each
/// instance's stored header in its index row.
/// </summary>
public interface IHeaderStore
{
    /// <summary>
    /// The series header of <paramref name="seriesInstanceUid"/>: the one stored already, else this one, stored now.
    /// Race-free: of concurrent first instances of a series one stores its candidate and all get that one.
    /// </summary>
    Task<StoredSeriesHeader> GetOrAddAsync(string seriesInstanceUid, byte[] frame, string contentSha256, CancellationToken cancellationToken);

    /// <summary>The series header with this id, or null when there is none.</summary>
    Task<StoredSeriesHeader?> LoadAsync(long id, CancellationToken cancellationToken);

    /// <summary>The stored header of instance <paramref name="instanceId"/>, or null when there is no such instance.</summary>
    Task<StoredHeader?> LoadInstanceHeaderAsync(long instanceId, CancellationToken cancellationToken);

    /// <summary>Replaces the stored header of instance <paramref name="instanceId"/> by a delta (its JSON, if any, is dropped).</summary>
    Task ReplaceInstanceHeaderAsync(long instanceId, StoredHeader header, CancellationToken cancellationToken);
}
