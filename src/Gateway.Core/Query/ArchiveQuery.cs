using Gateway.Dicom.Query;

namespace Gateway.Core.Query;

/// <summary>
/// A search of the archive at one level (QIDO-RS and C-FIND share it): the keys matched on indexed columns, in SQL,
/// and the page wanted. Keys on other attributes are matched by <see cref="ArchiveQueryService"/> on the stored
/// headers.
/// </summary>
/// <param name="Level">Patient, study, series or instance (IMAGE) entities.</param>
/// <param name="IndexedKeys">Keys that <see cref="IndexedQueryAttributes.CanMatch"/> accepts; every one must match.</param>
/// <param name="Offset">Matches to skip (in the store's stable order).</param>
/// <param name="Limit">At most this many matches; null for all.</param>
public sealed record ArchiveQuery(DicomQueryLevel Level, IReadOnlyList<DicomQueryKey> IndexedKeys, int Offset = 0, int? Limit = null);
