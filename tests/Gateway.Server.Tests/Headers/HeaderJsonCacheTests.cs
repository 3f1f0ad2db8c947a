using Gateway.Core.Headers;

namespace Gateway.Server.Tests.Headers;

/// <summary>The cache of JSON rendered from header deltas: exact keys and a byte budget, least recently used dropped first.</summary>
public sealed class HeaderJsonCacheTests
{
    /// <summary>What an entry of a 100-byte delta and 1,000 characters of JSON costs: 160 + 100 + 2,000 bytes.</summary>
    private const long EntryBytes = 2260;

    [Fact]
    public void Json_is_found_only_for_the_same_series_header_and_the_same_delta_bytes()
    {
        var cache = new HeaderJsonCache(1 << 20);
        var delta = Delta(1);
        cache.Add(7, delta, Json('a'));

        Assert.Equal(Json('a'), cache.Find(7, Delta(1)));
        Assert.Null(cache.Find(8, Delta(1)));
        var changed = Delta(1);
        changed[^1] ^= 1;
        Assert.Null(cache.Find(7, changed));
        Assert.Null(cache.Find(7, Delta(1).AsSpan(0, 99).ToArray()));
    }

    [Fact]
    public void The_least_recently_used_entries_go_when_the_budget_is_spent_and_nothing_larger_than_it_is_kept()
    {
        var cache = new HeaderJsonCache(3 * EntryBytes);
        cache.Add(1, Delta(1), Json('a'));
        cache.Add(1, Delta(2), Json('b'));
        cache.Add(1, Delta(3), Json('c'));
        Assert.NotNull(cache.Find(1, Delta(1)));

        cache.Add(1, Delta(4), Json('d'));

        Assert.Null(cache.Find(1, Delta(2)));
        Assert.Equal(Json('a'), cache.Find(1, Delta(1)));
        Assert.Equal(Json('c'), cache.Find(1, Delta(3)));
        Assert.Equal(Json('d'), cache.Find(1, Delta(4)));

        var tight = new HeaderJsonCache(EntryBytes - 1);
        tight.Add(1, Delta(1), Json('a'));
        Assert.Null(tight.Find(1, Delta(1)));
    }

    [Fact]
    public void A_budget_of_zero_keeps_nothing()
    {
        var cache = new HeaderJsonCache(0);
        cache.Add(1, Delta(1), Json('a'));
        Assert.Null(cache.Find(1, Delta(1)));
    }

    private static byte[] Delta(byte seed) => Enumerable.Range(0, 100).Select(index => (byte)(index * seed)).ToArray();

    private static string Json(char fill) => new(fill, 1000);
}
