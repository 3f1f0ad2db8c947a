using System.Collections.Concurrent;
using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Compression.Representations;
using Gateway.Dicom.Imaging;
using Gateway.Dicom;
using Gateway.Dicom.Json;

namespace Gateway.Server.Reconstruction;

/// <summary>A reconstructed instance as Part 10 bytes, and whether they came from the cache.</summary>
public sealed record Reconstruction(byte[] Content, bool FromCache);

/// <summary>
/// Reconstructs an instance kept as a latent or a latent+residual (the residual decoded and added to the latent's
/// reconstruction, <see cref="LatentResidualCodec"/>): its header (the header object the compress job kept beside the latent,
/// every element as received; for instances compressed before header objects were kept, the DICOM JSON header from
/// PostgreSQL, whose bulk data references are lost with the original), its latent object (both checked against the
/// SHA-256 the index recorded) decoded by the latent engine, and <see cref="LatentInstanceFile"/>; through the
/// reconstruction cache. Concurrent requests for the same instance share one decode, which runs to its end even when
/// the request that started it goes away (another may be waiting, and the result is cached).
/// </summary>
public sealed partial class LatentReconstructor(
    IArchiveReader reader,
    LatentObjectReader latents,
    ReconstructionCache cache,
    IHostApplicationLifetime lifetime,
    ILogger<LatentReconstructor> logger,
    ILatentEngine? engine = null)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<byte[]>>> _inFlight = new(StringComparer.Ordinal);

    /// <summary>Whether the instance's latent is reconstructed and cached already.</summary>
    public bool IsCached(ArchivedInstance instance, ArchivedObject latent)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(latent);
        return cache.Contains(instance.SopInstanceUid, latent.Sha256);
    }

    /// <summary>The DICOM file of an instance served from <paramref name="latent"/>.</summary>
    public async Task<Reconstruction> ReconstructAsync(ArchivedInstance instance, ArchivedObject latent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(latent);
        if (cache.TryGet(instance.SopInstanceUid, latent.Sha256) is { } cached)
        {
            return new Reconstruction(cached, FromCache: true);
        }

        var key = instance.SopInstanceUid + "\n" + latent.Sha256;
        var work = _inFlight.GetOrAdd(key, _ => new Lazy<Task<byte[]>>(() => Start(key, instance, latent)));
        return new Reconstruction(await work.Value.WaitAsync(cancellationToken).ConfigureAwait(false), FromCache: false);
    }

    /// <summary>Starts one decode, shared by every request for the same key until it ends (then the cache answers).</summary>
    private Task<byte[]> Start(string key, ArchivedInstance instance, ArchivedObject latent)
    {
        var task = Task.Run(() => BuildAsync(instance, latent, lifetime.ApplicationStopping));
        _ = task.ContinueWith(_ => _inFlight.TryRemove(key, out Lazy<Task<byte[]>>? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    private async Task<byte[]> BuildAsync(ArchivedInstance instance, ArchivedObject latent, CancellationToken cancellationToken)
    {
        var latentEngine = engine ?? throw new InvalidOperationException(
            $"Instance {instance.SopInstanceUid} is stored as a latent of model {latent.ModelId}, but this gateway has no latent engine to decode it.");
        var header = instance.Header is { } kept
            ? (await latents.ReadHeaderAsync(kept, cancellationToken).ConfigureAwait(false)).Dataset
            : await ReadJsonHeaderAsync(instance, cancellationToken).ConfigureAwait(false);
        var stored = await latents.ReadAsync(latent, cancellationToken).ConfigureAwait(false);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var withResidual = latent.Kind == StorageKind.LatentResidual ? LatentResidualObject.Read(stored) : null;
        var container = withResidual?.Latent ?? stored;
        var pixels = latentEngine.Decode(container, cancellationToken);
        if (withResidual is not null)
        {
            pixels = new LatentResidualCodec(DicomCodecRegistry.Default).Decode(withResidual, pixels);
        }

        var modelId = latent.ModelId ?? latentEngine.ReadLatent(container).ModelId;
        var (file, dropped) = LatentInstanceFile.Build(header, pixels, modelId, stored.Length, withResidual?.Coding);
        if (dropped > 0)
        {
            Log.BulkDataDropped(logger, instance.SopInstanceUid, dropped);
        }

        using var buffer = new MemoryStream();
        file.Save(buffer);
        var content = buffer.ToArray();
        cache.Put(instance.SopInstanceUid, latent.Sha256, content);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        Log.Reconstructed(logger, instance.SopInstanceUid, modelId, elapsed.TotalMilliseconds);
        return content;
    }

    /// <summary>The DICOM JSON header stored at ingest (bulk data only as references to the original).</summary>
    private async Task<DicomDataset> ReadJsonHeaderAsync(ArchivedInstance instance, CancellationToken cancellationToken)
    {
        var scope = new RetrieveScope(instance.StudyInstanceUid, instance.SeriesInstanceUid, instance.SopInstanceUid);
        var headers = await reader.ReadHeadersAsync(scope, cancellationToken).ConfigureAwait(false);
        if (headers.Count == 0)
        {
            throw new InvalidOperationException($"Instance {instance.SopInstanceUid} has no header in the index.");
        }

        return DicomJsonReader.Read(headers[0]);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2610, Level = LogLevel.Debug, Message = "Reconstructed {SopInstanceUid} from a latent of {ModelId} in {Milliseconds:F0} ms")]
        public static partial void Reconstructed(ILogger logger, string sopInstanceUid, string modelId, double milliseconds);

        [LoggerMessage(EventId = 2611, Level = LogLevel.Warning, Message = "Reconstruction of {SopInstanceUid} leaves out {Count} header elements whose values were only references to the original")]
        public static partial void BulkDataDropped(ILogger logger, string sopInstanceUid, int count);
    }
}
