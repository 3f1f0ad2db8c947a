using Gateway.Dicom;
using Gateway.Dicom.Query;

namespace Gateway.Core.Query;

/// <summary>
/// Runs searches of the archive for QIDO-RS and C-FIND: keys on indexed attributes are matched in SQL (with the
/// page taken there too), the rest (PS3.4 C.2.2.2 semantics, <see cref="DicomQueryKey.Matches"/>) on the entities'
/// stored headers, in which case the page is taken after matching.
/// </summary>
public sealed class ArchiveQueryService(IArchiveQueryStore store)
{
    /// <summary>
    /// The records (<see cref="QueryRecord"/>) of the entities of <paramref name="level"/> that satisfy every key of
    /// <paramref name="matcher"/>. Keys of levels below <paramref name="level"/> must have been removed by the caller.
    /// </summary>
    public async Task<IReadOnlyList<DicomDataset>> FindAsync(DicomQueryLevel level, DicomQueryMatcher matcher, int offset, int? limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matcher);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var active = matcher.Keys.Where(key => key.Kind != DicomMatchKind.Universal).ToList();
        var indexed = active.Where(key => IndexedQueryAttributes.CanMatch(key, level)).ToList();
        var residual = active.Except(indexed).ToList();
        var pagedInSql = residual.Count == 0;
        var query = new ArchiveQuery(level, indexed, pagedInSql ? offset : 0, pagedInSql ? limit : null);
        var rows = await store.FindAsync(query, cancellationToken).ConfigureAwait(false);
        var records = rows.Select(row => QueryRecord.Build(row, level));
        if (pagedInSql)
        {
            return records.ToList();
        }

        records = records.Where(record => residual.TrueForAll(key => key.Matches(record))).Skip(offset);
        return (limit is { } count ? records.Take(count) : records).ToList();
    }
}
