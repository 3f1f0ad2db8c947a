using System.Diagnostics.Metrics;
using Gateway.Core.Archive;
using Gateway.Core.Headers;
using Gateway.Core.Retrieve;
using Gateway.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Server.Tests.Reconstruction;

/// <summary>
/// One decode per reconstruction, on a real folder cache: a request that found the cache empty just before the decode
/// it would have shared ended (its result cached, the decode no longer in flight) gets the cached result, not a second
/// decode. The moment is made by the cache: its lookup for the second request answers only once the first is served.
/// </summary>
public sealed class SharedDecodeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("shared-decode-").FullName;
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose()
    {
        _meters.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_request_that_missed_the_cache_while_the_decode_ended_is_answered_from_the_cache_without_decoding_again()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var decoder = new HeldDecoder([1, 2, 3, 4]);
        var cache = new HeldCache(new FileReconstructionCache(Path.Combine(_folder, "cache"), 1 << 20, NullLogger<FileReconstructionCache>.Instance));
        using var retrieve = new RetrieveService(
            new UnusedIndex(),
            new FileSystemObjectStore(Path.Combine(_folder, "objects")),
            cache,
            new InstanceHeaders(new UnusedHeaderStore(), new IngestOptions { SpoolDirectory = Path.Combine(_folder, "spool") }, new HeaderCacheOptions(), NullLogger<InstanceHeaders>.Instance),
            [decoder],
            new RetrieveOptions { Prefetch = false },
            new RetrieveMetrics(_meters.GetRequiredService<IMeterFactory>()),
            NullLogger<RetrieveService>.Instance);
        var latent = new ArchivedObject(StorageKind.Latent, "latent-key", "mvlt", 4, new string('a', 64), "stand-in");
        var instance = new ArchivedInstance(1, "1.2.3", "1.2.3.4", "1.2.3.4.5", "1.2.840.10008.5.1.4.1.1.4", "1.2.840.10008.1.2.1", InstanceState.Compressed, 1, 1, 1, [latent]);

        // The first request decodes; while its decode is held, the second looks in the cache (empty), and its lookup
        // answers once the first request is served: its decode ended, its result cached.
        var first = retrieve.OpenAsync(instance, cancellationToken);
        await decoder.Started.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        cache.HoldNextLookupUntilServed(decoder.Release, first);
        await using var second = await retrieve.OpenAsync(instance, cancellationToken);
        await using var firstServed = await first;

        Assert.Equal(1, decoder.Decodes);
        Assert.Equal(decoder.Content, ((MemoryStream)second).ToArray());
        Assert.Equal(decoder.Content, ((MemoryStream)firstServed).ToArray());
    }

    /// <summary>A reconstructing decoder whose decodes are counted; the first waits for <see cref="Release"/>.</summary>
    private sealed class HeldDecoder(byte[] content) : IRepresentationDecoder
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _decodes;

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public byte[] Content => content;

        public int Decodes => _decodes;

        public StorageKind Kind => StorageKind.Latent;

        public bool Reconstructs => true;

        public string ServedSyntax(ArchivedInstance instance, ArchivedObject stored) => "1.2.840.10008.1.2.1";

        public void Release() => _released.TrySetResult();

        public async Task<Stream> OpenAsync(RepresentationSource source, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _decodes);
            Started.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
            return new MemoryStream(content);
        }
    }

    /// <summary>A real cache whose next lookup, once asked for, takes its answer at once and gives it only after the given request is served.</summary>
    private sealed class HeldCache(IReconstructionCache cache) : IReconstructionCache
    {
        private Hold? _hold;

        public bool Enabled => cache.Enabled;

        public void HoldNextLookupUntilServed(Action release, Task served) => _hold = new Hold(release, served);

        public bool Contains(string sopInstanceUid, string sourceSha256) => cache.Contains(sopInstanceUid, sourceSha256);

        public byte[]? TryGet(string sopInstanceUid, string sourceSha256)
        {
            var found = cache.TryGet(sopInstanceUid, sourceSha256);
            if (Interlocked.Exchange(ref _hold, null) is { } hold)
            {
                hold.Release();
                hold.Served.Wait(TimeSpan.FromSeconds(30));
            }

            return found;
        }

        public void Put(string sopInstanceUid, string sourceSha256, ReadOnlySpan<byte> content, long decodeStarted) => cache.Put(sopInstanceUid, sourceSha256, content, decodeStarted);

        public void Remove(string sopInstanceUid, string sourceSha256) => cache.Remove(sopInstanceUid, sourceSha256);

        private sealed record Hold(Action Release, Task Served);
    }
}
