using System.Security.Cryptography;
using Gateway.Core.Storage;

namespace Gateway.Server.Tests.Storage;

/// <summary>What every object store promises (IObjectStore), checked on the folder store and on S3 (a real radosgw).</summary>
public sealed class ObjectStoreContractTests(RadosGateway rados) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("object-store-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [MemberData(nameof(TestObjectStores.Kinds), MemberType = typeof(TestObjectStores))]
    public async Task A_put_reports_size_and_SHA256_and_reads_back_identical(string kind)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var store = await TestObjectStores.CreateAsync(kind, rados, _folder, cancellationToken);
        var content = Content(300_001, 1);

        var stored = await store.PutAsync("one.dcm", new MemoryStream(content), cancellationToken);

        Assert.Equal(new StoredObject("one.dcm", content.Length, Sha256(content)), stored);
        Assert.True(await store.ExistsAsync("one.dcm", cancellationToken));
        Assert.Equal(content, await ReadAsync(store, "one.dcm"));
    }

    [Theory]
    [MemberData(nameof(TestObjectStores.Kinds), MemberType = typeof(TestObjectStores))]
    public async Task An_empty_object_and_one_from_a_forward_only_stream_round_trip(string kind)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var store = await TestObjectStores.CreateAsync(kind, rados, _folder, cancellationToken);
        var content = Content(70_000, 2);

        Assert.Equal(0, (await store.PutAsync("empty", new MemoryStream(), cancellationToken)).Size);
        var stored = await store.PutAsync("forward", new ForwardOnlyStream(content, chunk: 4097), cancellationToken);

        Assert.Empty(await ReadAsync(store, "empty"));
        Assert.Equal(Sha256(content), stored.Sha256);
        Assert.Equal(content, await ReadAsync(store, "forward"));
    }

    /// <summary>12 MB: above the S3 store's multipart threshold in these tests (5 MiB), so it goes up in three parts.</summary>
    [Theory]
    [MemberData(nameof(TestObjectStores.Kinds), MemberType = typeof(TestObjectStores))]
    public async Task A_large_object_from_a_forward_only_stream_round_trips_and_its_ranges_read(string kind)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var store = await TestObjectStores.CreateAsync(kind, rados, _folder, cancellationToken);
        var content = Content(12_000_003, 3);

        var stored = await store.PutAsync("large", new ForwardOnlyStream(content, chunk: 1 << 20), cancellationToken);

        Assert.Equal((content.LongLength, Sha256(content)), (stored.Size, stored.Sha256));
        Assert.Equal(Sha256(content), Sha256(await ReadAsync(store, "large")));
        Assert.Equal(content.AsSpan(5_242_000, 2_000).ToArray(), await ReadRangeAsync(store, "large", 5_242_000, 2_000));
        Assert.Equal(0, await TestObjectStores.UnfinishedCountAsync(store, rados, _folder, cancellationToken));
    }

    [Theory]
    [MemberData(nameof(TestObjectStores.Kinds), MemberType = typeof(TestObjectStores))]
    public async Task A_range_reads_its_bytes_stops_at_the_end_and_is_empty_past_it(string kind)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var store = await TestObjectStores.CreateAsync(kind, rados, _folder, cancellationToken);
        var content = Content(10_000, 4);
        await store.PutAsync("ranged", new MemoryStream(content), cancellationToken);

        Assert.Equal(content.AsSpan(1234, 100).ToArray(), await ReadRangeAsync(store, "ranged", 1234, 100));
        Assert.Equal(content.AsSpan(9_990).ToArray(), await ReadRangeAsync(store, "ranged", 9_990, 100));
        Assert.Empty(await ReadRangeAsync(store, "ranged", 20_000, 10));
        Assert.Empty(await ReadRangeAsync(store, "ranged", 10, 0));
    }

    [Theory]
    [MemberData(nameof(TestObjectStores.Kinds), MemberType = typeof(TestObjectStores))]
    public async Task A_second_put_replaces_the_object_and_a_delete_removes_it_twice_without_error(string kind)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var store = await TestObjectStores.CreateAsync(kind, rados, _folder, cancellationToken);
        await store.PutAsync("replaced", new MemoryStream(Content(100, 5)), cancellationToken);
        var second = Content(200, 6);

        await store.PutAsync("replaced", new MemoryStream(second), cancellationToken);
        Assert.Equal(second, await ReadAsync(store, "replaced"));

        await store.DeleteAsync("replaced", cancellationToken);
        await store.DeleteAsync("replaced", cancellationToken);
        Assert.False(await store.ExistsAsync("replaced", cancellationToken));
        Assert.Empty(await TestObjectStores.KeysAsync(store, cancellationToken));
    }

    [Theory]
    [MemberData(nameof(TestObjectStores.Kinds), MemberType = typeof(TestObjectStores))]
    public async Task A_missing_object_is_ObjectNotFound_and_a_key_outside_the_alphabet_is_refused(string kind)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var store = await TestObjectStores.CreateAsync(kind, rados, _folder, cancellationToken);

        Assert.False(await store.ExistsAsync("absent.dcm", cancellationToken));
        Assert.Equal("absent.dcm", (await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.OpenReadAsync("absent.dcm", cancellationToken))).Key);
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.OpenRangeAsync("absent.dcm", 0, 10, cancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync("../escape", new MemoryStream([1]), cancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(".hidden", new MemoryStream([1]), cancellationToken));
    }

    [Theory]
    [MemberData(nameof(TestObjectStores.Kinds), MemberType = typeof(TestObjectStores))]
    public async Task A_put_whose_content_fails_midway_leaves_no_object_and_nothing_unfinished(string kind)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var store = await TestObjectStores.CreateAsync(kind, rados, _folder, cancellationToken);

        await Assert.ThrowsAsync<IOException>(() => store.PutAsync("failed", new ForwardOnlyStream(Content(8_000_000, 7), chunk: 1 << 20, failAfter: 7_000_000), cancellationToken));

        Assert.False(await store.ExistsAsync("failed", cancellationToken));
        Assert.Equal(0, await TestObjectStores.UnfinishedCountAsync(store, rados, _folder, cancellationToken));
    }

    private static async Task<byte[]> ReadAsync(IObjectStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key, TestContext.Current.CancellationToken);
        using var read = new MemoryStream();
        await stream.CopyToAsync(read, TestContext.Current.CancellationToken);
        return read.ToArray();
    }

    private static async Task<byte[]> ReadRangeAsync(IObjectStore store, string key, long offset, long length)
    {
        await using var stream = await store.OpenRangeAsync(key, offset, length, TestContext.Current.CancellationToken);
        using var read = new MemoryStream();
        await stream.CopyToAsync(read, TestContext.Current.CancellationToken);
        return read.ToArray();
    }

    private static byte[] Content(int size, int seed)
    {
        var content = new byte[size];
        new Random(seed).NextBytes(content);
        return content;
    }

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
