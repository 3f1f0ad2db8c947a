namespace Gateway.Core.Archive;

/// <summary>How instances are received.</summary>
public sealed record IngestOptions
{
    /// <summary>Folder for data sets being received (on the same disk as nothing in particular; emptied at start-up).</summary>
    public required string SpoolDirectory { get; init; }

    public DuplicatePolicy DuplicatePolicy { get; init; } = DuplicatePolicy.Reject;

    /// <summary>Values larger than this go into the header JSON as bulk data references rather than inline.</summary>
    public int BulkDataThreshold { get; init; } = 1024;
}
