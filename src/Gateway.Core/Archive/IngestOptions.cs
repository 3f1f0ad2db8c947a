namespace Gateway.Core.Archive;

/// <summary>How instances are received.</summary>
public sealed record IngestOptions
{
    /// <summary>Folder for data sets being received (on the same disk as nothing in particular; emptied at start-up).</summary>
    public required string SpoolDirectory { get; init; }

    public DuplicatePolicy DuplicatePolicy { get; init; } = DuplicatePolicy.Reject;

    /// <summary>
    /// Under <see cref="DuplicatePolicy.Replace"/>, the calling AE titles whose C-STORE may replace a stored instance;
    /// anyone else (and STOW-RS, which names no caller) is refused as under <see cref="DuplicatePolicy.Reject"/>.
    /// </summary>
    public IReadOnlySet<string> ReplaceCallingAETitles { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Values larger than this go into the header JSON as bulk data references rather than inline.</summary>
    public int BulkDataThreshold { get; init; } = 1024;
}
