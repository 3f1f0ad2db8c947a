namespace Gateway.Core.Headers;

/// <summary>The most recently used verified series headers, by id and by Series Instance UID (a series header never changes once stored).</summary>
internal sealed class SeriesHeaderCache(int capacity)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<SeriesHeaderEntry> _order = new();
    private readonly Dictionary<long, LinkedListNode<SeriesHeaderEntry>> _byId = [];
    private readonly Dictionary<string, LinkedListNode<SeriesHeaderEntry>> _bySeries = new(StringComparer.Ordinal);

    public SeriesHeaderEntry? Find(long id)
    {
        lock (_lock)
        {
            return Touch(_byId.GetValueOrDefault(id));
        }
    }

    public SeriesHeaderEntry? Find(string seriesInstanceUid)
    {
        lock (_lock)
        {
            return Touch(_bySeries.GetValueOrDefault(seriesInstanceUid));
        }
    }

    /// <summary>Adds <paramref name="entry"/> unless its id is cached already; returns the cached one.</summary>
    public SeriesHeaderEntry Add(SeriesHeaderEntry entry)
    {
        lock (_lock)
        {
            if (Touch(_byId.GetValueOrDefault(entry.Id)) is { } cached)
            {
                return cached;
            }

            var node = _order.AddFirst(entry);
            _byId[entry.Id] = node;
            _bySeries[entry.SeriesInstanceUid] = node;
            while (_order.Count > capacity && _order.Last is { } last)
            {
                _order.RemoveLast();
                _byId.Remove(last.Value.Id);
                _bySeries.Remove(last.Value.SeriesInstanceUid);
            }

            return entry;
        }
    }

    private SeriesHeaderEntry? Touch(LinkedListNode<SeriesHeaderEntry>? node)
    {
        if (node is null)
        {
            return null;
        }

        _order.Remove(node);
        _order.AddFirst(node);
        return node.Value;
    }
}
