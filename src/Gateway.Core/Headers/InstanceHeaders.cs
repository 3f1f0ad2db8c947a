using System.Security.Cryptography;
using Gateway.Core.Archive;
using Gateway.Dicom;
using Gateway.Dicom.Json;
using Microsoft.Extensions.Logging;

namespace Gateway.Core.Headers;

/// <summary>
/// Headers once per series (DESIGN.md, "Headers"): the first instance of a series stores its header content as the
/// series header; every instance keeps its header as a Zstandard delta against it (the series header is the
/// dictionary). Each delta is decoded and compared with its content before it is returned for storing; a series
/// header is checked against its SHA-256 whenever it is loaded. Readers get the header data set or its DICOM JSON
/// (bulk data over the threshold as references, as ingest indexed it before). Verified series headers are kept in a
/// small cache, so a series' metadata loads its series header once, and the JSON rendered from deltas in a cache
/// bounded in bytes (<see cref="HeaderCacheOptions"/>), so reading a series' metadata again decodes nothing.
/// </summary>
public sealed partial class InstanceHeaders(IHeaderStore store, IngestOptions options, HeaderCacheOptions cacheOptions, ILogger<InstanceHeaders> logger)
{
    /// <summary>Series headers kept in memory (about 100 KB each for a vendor MR series).</summary>
    public const int CacheCapacity = 64;

    private readonly SeriesHeaderCache _cache = new(CacheCapacity);
    private readonly HeaderJsonCache _jsonCache = new(cacheOptions.JsonMaxBytes);
    private readonly DicomJsonWriterOptions _jsonOptions = new()
    {
        BulkData = new DicomBulkDataPolicy((path, _) => "bulkdata/" + path, options.BulkDataThreshold),
    };

    /// <summary>
    /// Codes the header of <paramref name="dataset"/> (a whole data set, or one read up to its pixel data) against its
    /// series' header, storing that first where the series has none.
    /// </summary>
    public async Task<StoredHeader> EncodeAsync(string seriesInstanceUid, DicomDataset dataset, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(seriesInstanceUid);
        ArgumentNullException.ThrowIfNull(dataset);
        var content = HeaderContent.Write(dataset);
        var series = _cache.Find(seriesInstanceUid) ?? await AddSeriesHeaderAsync(seriesInstanceUid, content, cancellationToken).ConfigureAwait(false);
        var delta = series.Encode(content);
        var decoded = series.Decode(delta, seriesInstanceUid);
        if (!decoded.AsSpan().SequenceEqual(content))
        {
            throw new InvalidOperationException($"The header delta of an instance of series {seriesInstanceUid} does not decode to its content.");
        }

        return StoredHeader.OfDelta(series.Id, delta);
    }

    /// <summary>
    /// Makes sure the stored header of instance <paramref name="instanceId"/> holds every element of
    /// <paramref name="file"/> (its whole content) but the pixel data, before anything replaces the original: ingest
    /// reads up to the pixel data, so elements after it (and the header of an instance indexed before headers were
    /// deltas) are coded now. Returns whether the stored header had to be replaced.
    /// </summary>
    public async Task<bool> EnsureCompleteAsync(long instanceId, string seriesInstanceUid, DicomFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var stored = await store.LoadInstanceHeaderAsync(instanceId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Instance {instanceId} is not in the index.");
        var content = HeaderContent.Write(file.Dataset);
        if (stored.Json is null
            && HeaderContent.Write(await ReadAsync(stored, seriesInstanceUid, cancellationToken).ConfigureAwait(false)).AsSpan().SequenceEqual(content))
        {
            return false;
        }

        var complete = await EncodeAsync(seriesInstanceUid, file.Dataset, cancellationToken).ConfigureAwait(false);
        await store.ReplaceInstanceHeaderAsync(instanceId, complete, cancellationToken).ConfigureAwait(false);
        Log.HeaderCompleted(logger, instanceId, seriesInstanceUid, stored.Json is null ? "elements after the pixel data" : "indexed as JSON before");
        return true;
    }

    /// <summary>
    /// The header data set of an instance (pixel data as zero-length stand-ins; for an instance indexed as JSON, as
    /// that JSON has it, bulk data as references). <paramref name="what"/> names the instance in errors.
    /// </summary>
    public async Task<DicomDataset> ReadAsync(StoredHeader stored, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.Json is { } json)
        {
            return DicomJsonReader.Read(json);
        }

        if (stored.SeriesHeaderId is not { } id || stored.Delta is not { } delta)
        {
            throw new HeaderCorruptException($"The index holds no header for {what}.");
        }

        var series = await LoadSeriesHeaderAsync(id, cancellationToken).ConfigureAwait(false);
        return HeaderContent.Read(series.Decode(delta, what));
    }

    /// <summary>
    /// The header data set of instance <paramref name="instanceId"/> when the index holds it as a delta (every element
    /// as received, pixel data as stand-ins); null for an instance indexed as JSON before headers were deltas.
    /// </summary>
    public async Task<DicomDataset?> ReadDeltaAsync(long instanceId, string what, CancellationToken cancellationToken)
    {
        var stored = await store.LoadInstanceHeaderAsync(instanceId, cancellationToken).ConfigureAwait(false)
            ?? throw new HeaderCorruptException($"The index holds no header for {what}.");
        return stored.Json is null ? await ReadAsync(stored, what, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>
    /// The headers of instances as DICOM JSON (PS3.18 F.2), in the order given, bulk data over the threshold as
    /// references relative to each instance (<paramref name="headers"/>: each stored header with the name errors give
    /// it). Those not in the JSON cache are decoded and written in parallel.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReadJsonAsync(IReadOnlyList<(StoredHeader Header, string What)> headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var json = new string[headers.Count];
        var missing = new List<(int Index, SeriesHeaderEntry Series, byte[] Delta, string What)>();
        for (var index = 0; index < headers.Count; index++)
        {
            var (stored, what) = headers[index];
            ArgumentNullException.ThrowIfNull(stored);
            if (stored.Json is { } indexed)
            {
                json[index] = indexed;
                continue;
            }

            if (stored.SeriesHeaderId is not { } id || stored.Delta is not { } delta)
            {
                throw new HeaderCorruptException($"The index holds no header for {what}.");
            }

            if (_jsonCache.Find(id, delta) is { } cached)
            {
                json[index] = cached;
                continue;
            }

            missing.Add((index, await LoadSeriesHeaderAsync(id, cancellationToken).ConfigureAwait(false), delta, what));
        }

        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };
        await Parallel.ForEachAsync(missing, parallel, (item, _) =>
        {
            json[item.Index] = WriteJson(item.Series, item.Delta, item.What);
            return ValueTask.CompletedTask;
        }).ConfigureAwait(false);
        return json;
    }

    /// <summary>The relative BulkDataURI of a top-level element, as ingest writes them (e.g. bulkdata/7FE00010).</summary>
    public static string BulkDataUri(DicomTag tag) => "bulkdata/" + tag.ToHexString();

    private string WriteJson(SeriesHeaderEntry series, byte[] delta, string what)
    {
        var header = HeaderContent.Read(series.Decode(delta, what));
        HeaderContent.ReferencePixels(header, BulkDataUri);
        var json = DicomJsonWriter.Serialize(header, _jsonOptions);
        _jsonCache.Add(series.Id, delta, json);
        return json;
    }

    private async Task<SeriesHeaderEntry> AddSeriesHeaderAsync(string seriesInstanceUid, byte[] content, CancellationToken cancellationToken)
    {
        using var compressor = HeaderDeltaCodec.CreateCompressor(null);
        var frame = HeaderDeltaCodec.Encode(compressor, content);
        var stored = await store.GetOrAddAsync(seriesInstanceUid, frame, Sha256(content), cancellationToken).ConfigureAwait(false);
        return _cache.Add(Verify(stored));
    }

    private async Task<SeriesHeaderEntry> LoadSeriesHeaderAsync(long id, CancellationToken cancellationToken)
    {
        if (_cache.Find(id) is { } cached)
        {
            return cached;
        }

        var stored = await store.LoadAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new HeaderCorruptException($"Series header {id} is missing from the index.");
        return _cache.Add(Verify(stored));
    }

    private SeriesHeaderEntry Verify(StoredSeriesHeader stored)
    {
        var what = $"series {stored.SeriesInstanceUid} (series header {stored.Id})";
        byte[] content;
        try
        {
            content = HeaderDeltaCodec.Decode(stored.Frame, null, what);
        }
        catch (HeaderCorruptException exception)
        {
            Log.SeriesHeaderCorrupt(logger, stored.Id, stored.SeriesInstanceUid, exception.Message);
            throw;
        }

        var sha256 = Sha256(content);
        if (sha256 != stored.ContentSha256)
        {
            Log.SeriesHeaderCorrupt(logger, stored.Id, stored.SeriesInstanceUid, $"content SHA-256 {sha256}, recorded {stored.ContentSha256}");
            throw new HeaderCorruptException($"The header of {what} is damaged: its content has SHA-256 {sha256}, the index recorded {stored.ContentSha256}.");
        }

        return new SeriesHeaderEntry(stored.Id, stored.SeriesInstanceUid, content);
    }

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static partial class Log
    {
        [LoggerMessage(EventId = 2550, Level = LogLevel.Error, Message = "HEADER DAMAGED: series header {Id} of series {SeriesInstanceUid} cannot be used ({Reason}); the headers of its instances are not served")]
        public static partial void SeriesHeaderCorrupt(ILogger logger, long id, string seriesInstanceUid, string reason);

        [LoggerMessage(EventId = 2551, Level = LogLevel.Information, Message = "The stored header of instance {InstanceId} (series {SeriesInstanceUid}) was recoded from its whole original ({Reason})")]
        public static partial void HeaderCompleted(ILogger logger, long instanceId, string seriesInstanceUid, string reason);
    }
}
