using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Gateway.Core.Archive;
using Gateway.Core.Headers;
using Gateway.Core.Retrieve;
using Gateway.Infrastructure.Storage;
using Gateway.Server.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Server.Tests.Reconstruction;

/// <summary>
/// How the retrieve service verifies objects served as stored, on a real folder object store and a real S3 bucket: up to
/// <see cref="RepresentationSource.VerifyBeforeStreamingMaxBytes"/> before anything is given out, beyond it while the
/// stream is read (so a damaged large object fails the read that reaches its end).
/// </summary>
public sealed class VerifiedStreamingTests(RadosGateway rados) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("verified-streaming-").FullName;
    private ISweepableObjectStore _store = null!;
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private RetrieveService? _retrieve;

    public void Dispose()
    {
        _retrieve?.Dispose();
        _meters.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<RetrieveService> RetrieveAsync(string kind)
    {
        _store = await TestObjectStores.CreateAsync(kind, rados, _folder, TestContext.Current.CancellationToken);
        _retrieve = new RetrieveService(
            new UnusedIndex(),
            _store,
            new FileReconstructionCache(Path.Combine(_folder, "cache"), 0, NullLogger<FileReconstructionCache>.Instance),
            new InstanceHeaders(new UnusedHeaderStore(), new IngestOptions { SpoolDirectory = Path.Combine(_folder, "spool") }, new HeaderCacheOptions(), NullLogger<InstanceHeaders>.Instance),
            [new StoredFileDecoder(StorageKind.Original)],
            new RetrieveOptions { Prefetch = false },
            new RetrieveMetrics(_meters.GetRequiredService<IMeterFactory>()),
            NullLogger<RetrieveService>.Instance);
        return _retrieve;
    }

    [Theory]
    [MemberData(nameof(TestObjectStores.Kinds), MemberType = typeof(TestObjectStores))]
    public async Task A_large_healthy_object_streams_whole(string kind)
    {
        var retrieve = await RetrieveAsync(kind);
        var (instance, content) = await StoreAsync("large-ok", RepresentationSource.VerifyBeforeStreamingMaxBytes + 12345);
        await using var stream = await retrieve.OpenAsync(instance, TestContext.Current.CancellationToken);
        Assert.IsNotType<MemoryStream>(stream);
        using var read = new MemoryStream();
        await stream.CopyToAsync(read, TestContext.Current.CancellationToken);
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(read.ToArray()));
    }

    [Theory]
    [MemberData(nameof(TestObjectStores.Kinds), MemberType = typeof(TestObjectStores))]
    public async Task A_large_object_changed_in_place_fails_the_read_that_reaches_its_end(string kind)
    {
        var retrieve = await RetrieveAsync(kind);
        var (instance, _) = await StoreAsync("large-changed", RepresentationSource.VerifyBeforeStreamingMaxBytes + 12345);
        await FlipAsync("large-changed", ^10);
        await using var stream = await retrieve.OpenAsync(instance, TestContext.Current.CancellationToken);
        var buffer = new byte[1 << 16];
        Assert.True(await stream.ReadAsync(buffer, TestContext.Current.CancellationToken) > 0, "the start of the object streams before the end is checked");
        var damaged = await Assert.ThrowsAsync<DamagedObjectException>(() => stream.CopyToAsync(Stream.Null, TestContext.Current.CancellationToken));
        Assert.Equal("large-changed", damaged.Key);
        Assert.StartsWith("SHA-256 ", damaged.Actual, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestObjectStores.Kinds), MemberType = typeof(TestObjectStores))]
    public async Task A_large_object_cut_short_is_refused_before_it_streams(string kind)
    {
        var retrieve = await RetrieveAsync(kind);
        var (instance, _) = await StoreAsync("large-short", RepresentationSource.VerifyBeforeStreamingMaxBytes + 12345);
        await TestObjectStores.DamageAsync(_store, "large-short", bytes => bytes[..^1], TestContext.Current.CancellationToken);
        var damaged = await Assert.ThrowsAsync<DamagedObjectException>(() => retrieve.OpenAsync(instance, TestContext.Current.CancellationToken));
        Assert.Equal($"{RepresentationSource.VerifyBeforeStreamingMaxBytes + 12344} bytes", damaged.Actual);
    }

    [Theory]
    [MemberData(nameof(TestObjectStores.Kinds), MemberType = typeof(TestObjectStores))]
    public async Task A_small_object_changed_in_place_is_refused_before_anything_is_given_out(string kind)
    {
        var retrieve = await RetrieveAsync(kind);
        var (instance, _) = await StoreAsync("small-changed", 300_000);
        await FlipAsync("small-changed", 0);
        var damaged = await Assert.ThrowsAsync<DamagedObjectException>(() => retrieve.OpenAsync(instance, TestContext.Current.CancellationToken));
        Assert.Contains("small-changed", damaged.Message, StringComparison.Ordinal);
        Assert.Contains("is damaged", damaged.Message, StringComparison.Ordinal);
    }

    private async Task<(ArchivedInstance Instance, byte[] Content)> StoreAsync(string key, long size)
    {
        var content = new byte[size];
        new Random(7).NextBytes(content);
        var stored = await _store.PutAsync(key, new MemoryStream(content), TestContext.Current.CancellationToken);
        var original = new ArchivedObject(StorageKind.Original, key, "1.2.840.10008.1.2.1", stored.Size, Convert.ToHexStringLower(SHA256.HashData(content)), null);
        var instance = new ArchivedInstance(1, "1.2.3", "1.2.3.4", "1.2.3.4." + key.Length, "1.2.840.10008.5.1.4.1.1.7", "1.2.840.10008.1.2.1", InstanceState.Stored, null, null, null, [original]);
        return (instance, content);
    }

    private Task FlipAsync(string key, Index at) => TestObjectStores.DamageAsync(
        _store,
        key,
        bytes =>
        {
            bytes[at] ^= 0x01;
            return bytes;
        },
        TestContext.Current.CancellationToken);
}
