namespace Gateway.Core.Query;

/// <summary>
/// The archive index, read side for searches: the entities of a level whose indexed attributes match, in a stable
/// order (patients, studies and series as first indexed; instances by series and Instance Number). Instances still
/// being received are never counted or returned, nor entities that have no visible instance.
/// </summary>
public interface IArchiveQueryStore
{
    Task<IReadOnlyList<ArchiveQueryRow>> FindAsync(ArchiveQuery query, CancellationToken cancellationToken);
}
