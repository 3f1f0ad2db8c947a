using System.Globalization;
using System.Security.Cryptography;
using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Headers;
using Gateway.Core.Storage;
using Gateway.Dicom;
using Gateway.Dicom.Json;
using Microsoft.Extensions.Logging;

namespace Gateway.Core.Retrieve;

/// <summary>
/// What a <see cref="IRepresentationDecoder"/> reads an instance from: its stored objects, each checked against the
/// size and SHA-256 the index recorded (a mismatch is a <see cref="DamagedObjectException"/>, logged naming the
/// object), and its header: the delta against its series header that the index holds (every element as received),
/// else, for instances stored before headers were deltas, the header object kept beside a latent or the DICOM JSON
/// stored at ingest.
/// </summary>
public sealed partial class RepresentationSource
{
    /// <summary>
    /// Objects up to this size are read whole and verified before anything is sent (so a damaged one is answered
    /// with an error status); larger ones are streamed and verified while they stream, and a mismatch at the end
    /// breaks the transfer.
    /// </summary>
    public const long VerifyBeforeStreamingMaxBytes = 16L << 20;

    private readonly IObjectStore _objects;
    private readonly IArchiveReader _reader;
    private readonly InstanceHeaders _headers;
    private readonly IReconstructionCache _cache;
    private readonly ILogger _logger;

    internal RepresentationSource(ArchivedInstance instance, ArchivedObject stored, IObjectStore objects, IArchiveReader reader, InstanceHeaders headers, IReconstructionCache cache, ILogger logger)
    {
        Instance = instance;
        Stored = stored;
        _objects = objects;
        _reader = reader;
        _headers = headers;
        _cache = cache;
        _logger = logger;
    }

    /// <summary>The instance being retrieved.</summary>
    public ArchivedInstance Instance { get; }

    /// <summary>The object that serves it (the one the decoder decodes).</summary>
    public ArchivedObject Stored { get; }

    /// <summary>The whole object, verified.</summary>
    /// <exception cref="DamagedObjectException">Its size or SHA-256 is not the recorded one.</exception>
    public async Task<byte[]> ReadAsync(ArchivedObject stored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        using var buffer = new MemoryStream(stored.Size is > 0 and < int.MaxValue ? (int)stored.Size : 0);
        var stream = await _objects.OpenReadAsync(stored.Key, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        var bytes = buffer.ToArray();
        if (bytes.LongLength != stored.Size)
        {
            throw Damaged(stored, SizeText(bytes.LongLength));
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(sha256, stored.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw Damaged(stored, $"SHA-256 {sha256}");
        }

        return bytes;
    }

    /// <summary>
    /// The object as a stream, verified: read whole first up to <see cref="VerifyBeforeStreamingMaxBytes"/>, else
    /// hashed while it is read (the stream throws <see cref="DamagedObjectException"/> at its end).
    /// </summary>
    public async Task<Stream> OpenAsync(ArchivedObject stored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.Size <= VerifyBeforeStreamingMaxBytes)
        {
            return new MemoryStream(await ReadAsync(stored, cancellationToken).ConfigureAwait(false), writable: false);
        }

        var stream = await _objects.OpenReadAsync(stored.Key, cancellationToken).ConfigureAwait(false);
        if (KnownLength(stream) is { } length && length != stored.Size)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw Damaged(stored, SizeText(length));
        }

        return new VerifyingReadStream(stream, stored, this);
    }

    /// <summary>
    /// The instance's header as received: the delta the index holds (pixel data as zero-length stand-ins), else the
    /// header object kept beside a latent, else the DICOM JSON stored at ingest (whose bulk data are references to the
    /// original).
    /// </summary>
    /// <exception cref="DamagedObjectException">The stored header or header object is not what the index recorded.</exception>
    public async Task<DicomDataset> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        if (await ReadKeptHeaderAsync(cancellationToken).ConfigureAwait(false) is { } header)
        {
            return header;
        }

        var scope = new RetrieveScope(Instance.StudyInstanceUid, Instance.SeriesInstanceUid, Instance.SopInstanceUid);
        var headers = await _reader.ReadHeadersAsync(scope, cancellationToken).ConfigureAwait(false);
        if (headers.Count == 0)
        {
            throw new InvalidOperationException($"Instance {Instance.SopInstanceUid} has no header in the index.");
        }

        return DicomJsonReader.Read(headers[0]);
    }

    /// <summary>
    /// The header with every element as received, without the DICOM JSON fallback: the delta the index holds, else the
    /// header object kept beside a latent; null when the instance has neither.
    /// </summary>
    /// <exception cref="DamagedObjectException">The stored header or header object is not what the index recorded.</exception>
    public async Task<DicomDataset?> ReadKeptHeaderAsync(CancellationToken cancellationToken)
    {
        if (await ReadDeltaHeaderAsync(cancellationToken).ConfigureAwait(false) is { } header)
        {
            return header;
        }

        return Instance.Header is { } kept
            ? DicomFile.Read(new MemoryStream(await ReadAsync(kept, cancellationToken).ConfigureAwait(false), writable: false)).Dataset
            : null;
    }

    /// <summary>The header delta the index holds, decoded; null for an instance indexed as JSON (before headers were deltas).</summary>
    /// <exception cref="DamagedObjectException">The delta or its series header does not decode to its recorded checksum.</exception>
    public async Task<DicomDataset?> ReadDeltaHeaderAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _headers.ReadDeltaAsync(Instance.Id, "instance " + Instance.SopInstanceUid, cancellationToken).ConfigureAwait(false);
        }
        catch (HeaderCorruptException exception)
        {
            Log.Damaged(_logger, "header", "series header delta", Instance.SopInstanceUid, "a delta that decodes to its recorded checksum", exception.Message);
            throw new DamagedObjectException("(stored header)", Instance.SopInstanceUid, "a header that decodes to its recorded checksum", exception.Message);
        }
    }

    /// <summary>The SOP Instance UIDs of the series latent that serves the instance, in slice order (<see cref="StorageKind.Latent3D"/>).</summary>
    /// <exception cref="DamagedObjectException">The index holds no slice order for it.</exception>
    public async Task<IReadOnlyList<string>> ReadSliceOrderAsync(CancellationToken cancellationToken) =>
        await _reader.ReadSliceOrderAsync(Stored.Key, cancellationToken).ConfigureAwait(false)
        ?? throw Damaged(Stored, "no series latent row with its slice order");

    /// <summary>
    /// The sources of the other instances of the series served from the same object as this one (the slices of one
    /// series latent), so a decoder that decodes several at once can build and offer their files too.
    /// </summary>
    public async Task<IReadOnlyList<RepresentationSource>> SharingObjectAsync(CancellationToken cancellationToken)
    {
        var series = await _reader.LocateAsync(new RetrieveScope(Instance.StudyInstanceUid, Instance.SeriesInstanceUid), cancellationToken).ConfigureAwait(false);
        return [.. series
            .Where(other => other.Id != Instance.Id && other.Serving is { } serving && serving.Kind == Stored.Kind && serving.Key == Stored.Key)
            .Select(other => new RepresentationSource(other, other.Serving!, _objects, _reader, _headers, _cache, _logger))];
    }

    /// <summary>This instance's reconstruction from its serving object, when the cache holds one that verifies.</summary>
    public byte[]? TryGetCached() => _cache.TryGet(Instance.SopInstanceUid, Stored.Sha256);

    /// <summary>Keeps a reconstruction of this instance made by a decode that started at <paramref name="decodeStarted"/> (see <see cref="IReconstructionCache.Put"/>).</summary>
    public void Offer(ReadOnlySpan<byte> content, long decodeStarted) => _cache.Put(Instance.SopInstanceUid, Stored.Sha256, content, decodeStarted);

    /// <summary>The file of a lossy reconstruction (<see cref="ReconstructedInstanceFile"/>), noting header elements it had to leave out.</summary>
    public DicomFile BuildLossyFile(DicomDataset header, PixelFrames pixels, LossyCompression lossy)
    {
        var (file, dropped) = ReconstructedInstanceFile.Build(header, pixels, lossy);
        if (dropped > 0)
        {
            Log.BulkDataDropped(_logger, Instance.SopInstanceUid, dropped);
        }

        return file;
    }

    /// <summary>Logs a damaged object (naming it) and gives the exception to throw.</summary>
    internal DamagedObjectException Damaged(ArchivedObject stored, string actual)
    {
        var expected = $"{SizeText(stored.Size)}, SHA-256 {stored.Sha256}";
        Log.Damaged(_logger, stored.Kind.ToString().ToLowerInvariant(), stored.Key, Instance.SopInstanceUid, expected, actual);
        return new DamagedObjectException(stored.Key, Instance.SopInstanceUid, expected, actual);
    }

    /// <summary>The length a stream announces (a file's, an HTTP body's Content-Length), or null when it cannot tell.</summary>
    private static long? KnownLength(Stream stream)
    {
        try
        {
            return stream.Length;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static string SizeText(long size) => size.ToString(CultureInfo.InvariantCulture) + " bytes";

    private static partial class Log
    {
        [LoggerMessage(EventId = 2611, Level = LogLevel.Warning, Message = "Reconstruction of {SopInstanceUid} leaves out {Count} header elements whose values were only references to the original")]
        public static partial void BulkDataDropped(ILogger logger, string sopInstanceUid, int count);

        [LoggerMessage(EventId = 2630, Level = LogLevel.Error, Message = "Damaged stored object: the {Kind} object {Key} of instance {SopInstanceUid} should be {Expected} but is {Actual}; it is not served")]
        public static partial void Damaged(ILogger logger, string kind, string key, string sopInstanceUid, string expected, string actual);
    }
}
