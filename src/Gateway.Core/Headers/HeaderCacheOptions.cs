namespace Gateway.Core.Headers;

/// <summary>What <see cref="InstanceHeaders"/> keeps in memory besides the series headers (set from the gateway's settings).</summary>
public sealed record HeaderCacheOptions
{
    /// <summary>
    /// The byte budget of the DICOM JSON rendered from headers stored as deltas, so that metadata and query results
    /// of recently read instances are not decoded again (0: off). 64 MiB: about 21 series of 192 Siemens MR
    /// instances (7.4 KB of JSON each, counted as UTF-16 with its 1 KB delta and the overhead: 16 KB per instance).
    /// </summary>
    public long JsonMaxBytes { get; init; } = 64L << 20;
}
