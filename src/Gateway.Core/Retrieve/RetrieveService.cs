using System.Collections.Concurrent;
using Gateway.Core.Archive;
using Gateway.Core.Headers;
using Gateway.Core.Storage;
using Gateway.Dicom;
using Microsoft.Extensions.Logging;

namespace Gateway.Core.Retrieve;

/// <summary>
/// The one read side of the archive that WADO-RS, WADO-URI, C-GET and C-MOVE call (DESIGN.md, STYLE.md "Read side"):
/// finds instances and their headers in the index (metadata never decodes), and opens the Part 10 file each is served
/// as through the <see cref="IRepresentationDecoder"/> of its serving object. A stored object is streamed as is,
/// verified; a reconstructed one (a latent, ...) comes from the <see cref="IReconstructionCache"/>, else from one
/// decode shared by every concurrent request for it, which runs to its end even when the request that started it goes
/// away (another may be waiting, and the result is cached), and queues the rest of its series for prefetch.
/// </summary>
public sealed partial class RetrieveService : IDisposable
{
    private readonly IArchiveReader _reader;
    private readonly IObjectStore _objects;
    private readonly IReconstructionCache _cache;
    private readonly InstanceHeaders _headers;
    private readonly Dictionary<StorageKind, IRepresentationDecoder> _decoders;
    private readonly ILogger<RetrieveService> _logger;
    private readonly RetrieveMetrics _metrics;
    private readonly SeriesPrefetcher _prefetcher;
    private readonly ConcurrentDictionary<string, Lazy<Task<byte[]>>> _inFlight = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <param name="decoders">The registry: one decoder per stored representation (two for one kind is a configuration error).</param>
    public RetrieveService(
        IArchiveReader reader,
        IObjectStore objects,
        IReconstructionCache cache,
        InstanceHeaders headers,
        IEnumerable<IRepresentationDecoder> decoders,
        RetrieveOptions options,
        RetrieveMetrics metrics,
        ILogger<RetrieveService> logger)
    {
        ArgumentNullException.ThrowIfNull(decoders);
        ArgumentNullException.ThrowIfNull(options);
        _reader = reader;
        _objects = objects;
        _cache = cache;
        _headers = headers;
        _logger = logger;
        _metrics = metrics;
        _decoders = [];
        foreach (var decoder in decoders)
        {
            if (!_decoders.TryAdd(decoder.Kind, decoder))
            {
                throw new InvalidOperationException($"Two decoders are registered for the {decoder.Kind} representation: {_decoders[decoder.Kind].GetType().Name} and {decoder.GetType().Name}.");
            }
        }

        _prefetcher = new SeriesPrefetcher(this, options.PrefetchQueueCapacity, options.Prefetch && cache.Enabled, logger);
    }

    /// <summary>The instances in <paramref name="scope"/> (see <see cref="IArchiveReader.LocateAsync"/>).</summary>
    public Task<IReadOnlyList<ArchivedInstance>> LocateAsync(RetrieveScope scope, CancellationToken cancellationToken) =>
        _reader.LocateAsync(scope, cancellationToken);

    /// <summary>The DICOM JSON headers of <paramref name="scope"/>, from the index (no object is read).</summary>
    public Task<IReadOnlyList<string>> ReadHeadersAsync(RetrieveScope scope, CancellationToken cancellationToken) =>
        _reader.ReadHeadersAsync(scope, cancellationToken);

    /// <summary>The one instance the UIDs name, or null when the archive has no such instance.</summary>
    public async Task<ArchivedInstance?> FindAsync(string study, string series, string instance, CancellationToken cancellationToken)
    {
        var found = await _reader.LocateAsync(new RetrieveScope(study, series, instance), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>The transfer syntax of the file <see cref="OpenAsync"/> gives.</summary>
    public string ServedSyntax(ArchivedInstance instance)
    {
        var (decoder, serving) = DecoderOf(instance);
        return decoder.ServedSyntax(instance, serving);
    }

    /// <summary>Opens the Part 10 file an instance is served as.</summary>
    /// <exception cref="DamagedObjectException">A stored object it needs is not what the index recorded.</exception>
    public async Task<Stream> OpenAsync(ArchivedInstance instance, CancellationToken cancellationToken)
    {
        var (decoder, serving) = DecoderOf(instance);
        if (!decoder.Reconstructs)
        {
            return await decoder.OpenAsync(SourceOf(instance, serving), cancellationToken).ConfigureAwait(false);
        }

        var (content, fromCache) = await ReconstructAsync(instance, decoder, serving, cancellationToken).ConfigureAwait(false);
        if (!fromCache)
        {
            _prefetcher.QueueSeriesOf(instance);
        }

        return new MemoryStream(content, writable: false);
    }

    /// <summary>Reads the whole file an instance is served as (for transcoding, frames, rendering, bulk data and DIMSE).</summary>
    /// <exception cref="DamagedObjectException">A stored object it needs is not what the index recorded.</exception>
    public async Task<DicomFile> ReadAsync(ArchivedInstance instance, CancellationToken cancellationToken)
    {
        var stream = await OpenAsync(instance, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (stream is MemoryStream)
            {
                return DicomFile.Read(stream);
            }

            var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, 1 << 16, cancellationToken).ConfigureAwait(false);
            buffer.Position = 0;
            return DicomFile.Read(buffer);
        }
    }

    /// <summary>
    /// The header of an instance whose original was replaced (every element as received, pixel data as zero-length
    /// stand-ins), read without decoding its pixels: the delta the index holds (completed from the whole original
    /// before it was replaced), else the header object kept beside a latent. Null while the original serves (its file
    /// has the elements after the pixel data, which ingest did not read) and for an instance stored before headers
    /// were kept.
    /// </summary>
    /// <exception cref="DamagedObjectException">The stored header or header object is not what the index recorded.</exception>
    public async Task<DicomDataset?> ReadStoredHeaderAsync(ArchivedInstance instance, CancellationToken cancellationToken)
    {
        var (_, serving) = DecoderOf(instance);
        if (serving.Kind == StorageKind.Original)
        {
            return null;
        }

        return await SourceOf(instance, serving).ReadKeptHeaderAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One stored object of an instance, whole and verified (the /latent resources read latents so).</summary>
    /// <exception cref="DamagedObjectException">It is not what the index recorded.</exception>
    public Task<byte[]> ReadObjectAsync(ArchivedInstance instance, ArchivedObject stored, CancellationToken cancellationToken) =>
        SourceOf(instance, stored).ReadAsync(stored, cancellationToken);

    /// <summary>The SOP Instance UIDs of the series latent stored as <paramref name="seriesLatentKey"/>, in slice order (see <see cref="IArchiveReader.ReadSliceOrderAsync"/>).</summary>
    public Task<IReadOnlyList<string>?> ReadSliceOrderAsync(string seriesLatentKey, CancellationToken cancellationToken) =>
        _reader.ReadSliceOrderAsync(seriesLatentKey, cancellationToken);

    /// <summary>Runs the series prefetch until <paramref name="stoppingToken"/> ends (the host runs it as a background service).</summary>
    public Task RunPrefetchAsync(CancellationToken stoppingToken) => _prefetcher.RunAsync(stoppingToken);

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    /// <summary>Reconstructs, into the cache, the instance's file when its representation is reconstructed and not cached yet; false when there was nothing to do.</summary>
    internal async Task<bool> PrefetchAsync(ArchivedInstance instance, CancellationToken cancellationToken)
    {
        if (instance.Serving is not { } serving || !_decoders.TryGetValue(serving.Kind, out var decoder) || !decoder.Reconstructs
            || _cache.Contains(instance.SopInstanceUid, serving.Sha256))
        {
            return false;
        }

        await ReconstructAsync(instance, decoder, serving, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<(byte[] Content, bool FromCache)> ReconstructAsync(ArchivedInstance instance, IRepresentationDecoder decoder, ArchivedObject serving, CancellationToken cancellationToken)
    {
        if (_cache.TryGet(instance.SopInstanceUid, serving.Sha256) is { } cached)
        {
            _metrics.FromCache(serving.Kind);
            return (cached, true);
        }

        var key = instance.SopInstanceUid + "\n" + serving.Sha256;
        var work = _inFlight.GetOrAdd(key, _ => new Lazy<Task<byte[]>>(() => Start(key, instance, decoder, serving)));
        return (await work.Value.WaitAsync(cancellationToken).ConfigureAwait(false), false);
    }

    /// <summary>Starts one decode, shared by every request for the same key until it ends (then the cache answers).</summary>
    private Task<byte[]> Start(string key, ArchivedInstance instance, IRepresentationDecoder decoder, ArchivedObject serving)
    {
        var task = Task.Run(() => DecodeAsync(instance, decoder, serving, _stopping.Token));
        _ = task.ContinueWith(_ => _inFlight.TryRemove(key, out Lazy<Task<byte[]>>? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    private async Task<byte[]> DecodeAsync(ArchivedInstance instance, IRepresentationDecoder decoder, ArchivedObject serving, CancellationToken cancellationToken)
    {
        // A decode of the same key that ended after the caller looked in the cache, and left the decodes in flight before
        // the caller joined them, has put its result in the cache (Put comes before it leaves): no second decode.
        if (_cache.TryGet(instance.SopInstanceUid, serving.Sha256) is { } cached)
        {
            _metrics.FromCache(serving.Kind);
            return cached;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        byte[] content;
        var stream = await decoder.OpenAsync(SourceOf(instance, serving), cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (stream is MemoryStream memory)
            {
                content = memory.ToArray();
            }
            else
            {
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                content = buffer.ToArray();
            }
        }

        _cache.Put(instance.SopInstanceUid, serving.Sha256, content, started);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        _metrics.Decoded(serving.Kind, elapsed);
        Log.Reconstructed(_logger, instance.SopInstanceUid, serving.Kind, elapsed.TotalMilliseconds);
        return content;
    }

    private (IRepresentationDecoder Decoder, ArchivedObject Serving) DecoderOf(ArchivedInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var serving = instance.Serving ?? throw new InvalidOperationException($"Instance {instance.SopInstanceUid} has no object.");
        return _decoders.TryGetValue(serving.Kind, out var decoder)
            ? (decoder, serving)
            : throw new InvalidOperationException(
                $"Instance {instance.SopInstanceUid} is stored as {serving.Kind.ToString().ToLowerInvariant()}, and this gateway registers no decoder for that representation.");
    }

    private RepresentationSource SourceOf(ArchivedInstance instance, ArchivedObject stored) => new(instance, stored, _objects, _reader, _headers, _cache, _logger);

    private static partial class Log
    {
        [LoggerMessage(EventId = 2610, Level = LogLevel.Debug, Message = "Reconstructed {SopInstanceUid} from its {Representation} object in {Milliseconds:F0} ms")]
        public static partial void Reconstructed(ILogger logger, string sopInstanceUid, StorageKind representation, double milliseconds);
    }
}
