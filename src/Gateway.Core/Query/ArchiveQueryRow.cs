namespace Gateway.Core.Query;

/// <summary>
/// One entity an <see cref="IArchiveQueryStore"/> found: the header (DICOM JSON) of one of its instances, from
/// which the entity's own attributes are taken, and the attributes computed over all its instances.
/// </summary>
public sealed record ArchiveQueryRow(string HeaderJson)
{
    /// <summary>Number of Patient Related Studies (patient level).</summary>
    public int? StudyCount { get; init; }

    /// <summary>Number of Patient/Study Related Series (patient and study levels).</summary>
    public int? SeriesCount { get; init; }

    /// <summary>Number of Patient/Study/Series Related Instances (patient, study and series levels).</summary>
    public int? InstanceCount { get; init; }

    /// <summary>Modalities in Study (study level), distinct and sorted.</summary>
    public IReadOnlyList<string>? Modalities { get; init; }

    /// <summary>SOP Classes in Study (study level), distinct and sorted.</summary>
    public IReadOnlyList<string>? SopClasses { get; init; }
}
