namespace Gateway.Core.Headers;

/// <summary>
/// How the index holds an instance's header: as a delta against its series header (since migration 0007), or, for
/// instances stored before, as the DICOM JSON they were indexed with.
/// </summary>
public sealed record StoredHeader(long? SeriesHeaderId, byte[]? Delta, string? Json)
{
    /// <summary>A header stored as a delta.</summary>
    public static StoredHeader OfDelta(long seriesHeaderId, byte[] delta) => new(seriesHeaderId, delta, null);

    /// <summary>A header stored as DICOM JSON (bulk data as references).</summary>
    public static StoredHeader OfJson(string json) => new(null, null, json);
}
