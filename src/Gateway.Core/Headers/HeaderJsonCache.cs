namespace Gateway.Core.Headers;

/// <summary>
/// The DICOM JSON rendered from instances' deltas, least recently used dropped first, within a byte budget (0: off).
/// Keyed by all the JSON is made from: the series header (never changed once stored) and the delta's bytes, compared
/// in full. A header that is replaced (a new delta, or a delta against another series header) is another key, so its
/// old JSON is never served; entries of instances that are gone age out.
/// </summary>
internal sealed class HeaderJsonCache(long maxBytes)
{
    /// <summary>What an entry costs beside its JSON (UTF-16) and its delta: node, key, dictionary slot, string header.</summary>
    private const int EntryOverheadBytes = 160;

    private readonly Lock _lock = new();
    private readonly LinkedList<(Key Key, string Json)> _order = new();
    private readonly Dictionary<Key, LinkedListNode<(Key Key, string Json)>> _entries = [];
    private long _bytes;

    public string? Find(long seriesHeaderId, byte[] delta)
    {
        if (maxBytes == 0)
        {
            return null;
        }

        var key = new Key(seriesHeaderId, delta);
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node))
            {
                return null;
            }

            _order.Remove(node);
            _order.AddFirst(node);
            return node.Value.Json;
        }
    }

    public void Add(long seriesHeaderId, byte[] delta, string json)
    {
        var size = Size(delta, json);
        if (size > maxBytes)
        {
            return;
        }

        var key = new Key(seriesHeaderId, delta);
        lock (_lock)
        {
            if (_entries.ContainsKey(key))
            {
                return;
            }

            _entries[key] = _order.AddFirst((key, json));
            _bytes += size;
            while (_bytes > maxBytes && _order.Last is { } last)
            {
                _order.RemoveLast();
                _entries.Remove(last.Value.Key);
                _bytes -= Size(last.Value.Key.Delta, last.Value.Json);
            }
        }
    }

    private static long Size(byte[] delta, string json) => EntryOverheadBytes + delta.Length + 2L * json.Length;

    private readonly struct Key : IEquatable<Key>
    {
        private readonly int _hash;

        public Key(long seriesHeaderId, byte[] delta)
        {
            SeriesHeaderId = seriesHeaderId;
            Delta = delta;
            var hash = default(HashCode);
            hash.Add(seriesHeaderId);
            hash.AddBytes(delta);
            _hash = hash.ToHashCode();
        }

        public long SeriesHeaderId { get; }

        public byte[] Delta { get; }

        public bool Equals(Key other) =>
            _hash == other._hash && SeriesHeaderId == other.SeriesHeaderId && Delta.AsSpan().SequenceEqual(other.Delta);

        public override bool Equals(object? obj) => obj is Key other && Equals(other);

        public override int GetHashCode() => _hash;
    }
}
