using System.Security.Cryptography;
using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Headers;
using Gateway.Core.Storage;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Microsoft.Extensions.Logging;

namespace Gateway.Core.Jobs;

/// <summary>
/// The "compress" job (DESIGN.md, the flow of one instance): reads the original and checks its SHA-256, applies
/// the policy, and stores a latent that passed the quality gate, or else a lossless copy whose decoded pixels
/// equal the original's bit for bit. A replacement is written, read back, checksum-verified and checked before
/// one transaction records it, marks the instance compressed and schedules the original's deletion after the
/// retention period; the original is never touched here. Idempotent: a recorded replacement or outcome means the
/// work is done, and an object written by a run that crashed before recording it is an orphan the start-up
/// sweep removes. The engine is asked for only when a latent rule applies (loading it is costly).
/// </summary>
public sealed partial class CompressJobHandler(
    ICompressionIndex index,
    IObjectStore objects,
    InstanceHeaders headers,
    CompressionOptions options,
    ILogger<CompressJobHandler> logger,
    ILatentEngine engine,
    IQualityMeter? qualityMeter = null,
    CompressionMetrics? metrics = null) : IJobHandler
{
    /// <summary>The job kind.</summary>
    public const string JobKind = "compress";

    /// <summary>The codec recorded for latent objects (the container format, DESIGN.md "Latent container").</summary>
    public const string LatentCodec = "medvae-latent/1";

    private readonly CompressionPolicy _policy = new(options);
    private readonly DicomCodecRegistry _codecs = DicomCodecRegistry.Default;

    public string Kind => JobKind;

    public async Task HandleAsync(QueuedJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.InstanceId is not { } instanceId)
        {
            throw new PermanentJobFailureException($"Compress job {job.Id} names no instance.");
        }

        var candidate = await index.LoadAsync(instanceId, cancellationToken).ConfigureAwait(false);
        if (candidate is null || candidate.Compression is not null || candidate.Objects.Any(o => o.Kind != StorageKind.Original))
        {
            // Gone, or done by an earlier run.
            return;
        }

        var original = candidate.Objects.FirstOrDefault(o => o.Kind == StorageKind.Original)
            ?? throw new PermanentJobFailureException($"Instance {instanceId} has no original object to compress.");
        var bytes = await ReadVerifiedAsync(original, instanceId, cancellationToken).ConfigureAwait(false);
        var file = DicomFile.Read(new MemoryStream(bytes, writable: false));

        // The stored header must hold every element of the original before anything may replace it.
        await headers.EnsureCompleteAsync(instanceId, file.Dataset.GetString(DicomTags.SeriesInstanceUID)!, file, cancellationToken).ConfigureAwait(false);
        if (!DicomPixelData.HasPixelData(file.Dataset))
        {
            await KeepAsync(candidate, "no pixel data", cancellationToken).ConfigureAwait(false);
            return;
        }

        var pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
        var subject = new CompressionSubject(
            candidate.Modality ?? file.Dataset.GetString(DicomTags.Modality),
            candidate.SopClassUid,
            candidate.CallingAE,
            candidate.BodyPartExamined ?? file.Dataset.GetString(DicomTags.BodyPartExamined),
            pixelData.Info.PhotometricInterpretation,
            pixelData.Info.Rows,
            pixelData.Info.Columns);
        var action = _policy.Choose(subject);
        switch (action.Kind)
        {
            case CompressionActionKind.KeepOriginal:
                await KeepAsync(candidate, "policy", cancellationToken).ConfigureAwait(false);
                return;
            case CompressionActionKind.Latent:
                var fallback = await TryLatentAsync(candidate, original, file, pixelData, action, cancellationToken).ConfigureAwait(false);
                if (fallback is null)
                {
                    return;
                }

                await StoreLosslessAsync(candidate, original, file, pixelData, fallback, cancellationToken).ConfigureAwait(false);
                return;
            default:
                await StoreLosslessAsync(candidate, original, file, pixelData, "policy", cancellationToken).ConfigureAwait(false);
                return;
        }
    }

    /// <summary>Stores the latent if it passes; otherwise returns why the instance goes lossless instead.</summary>
    private async Task<string?> TryLatentAsync(
        CompressionCandidate candidate, ArchivedObject original, DicomFile file, DicomPixelData pixelData, CompressionAction action, CancellationToken cancellationToken)
    {
        var modelId = action.ModelId!;
        // The engine loads on first use: only here, when a latent rule applies (loading it is costly); without models it has none.
        if (qualityMeter is null || !engine.Models.Any(model => model.Id == modelId))
        {
            Log.ModelUnavailable(logger, candidate.SopInstanceUid, modelId);
            return "model_unavailable";
        }

        var frames = PixelFramesReader.Read(file.Dataset, pixelData, _codecs, out var unsupported);
        if (frames is null)
        {
            Log.NotLatent(logger, candidate.SopInstanceUid, unsupported!);
            return "unsupported_pixels";
        }

        var encoding = engine.Encode(modelId, frames, cancellationToken);
        var key = NewKey(candidate.SopInstanceUid, "latent");
        var stored = await PutVerifiedAsync(key, encoding.Container, cancellationToken).ConfigureAwait(false);

        // Decode what the store gives back, not what was written: the gate judges the bytes that will be served.
        var readBack = await ReadVerifiedAsync(new ArchivedObject(StorageKind.Latent, key, LatentCodec, stored.Size, stored.Sha256, modelId), candidate.InstanceId, cancellationToken).ConfigureAwait(false);
        var reconstruction = engine.Decode(readBack, cancellationToken);
        if (reconstruction.Rows != frames.Rows || reconstruction.Columns != frames.Columns || reconstruction.Frames != frames.Frames)
        {
            await objects.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            throw new InvalidOperationException($"The latent of {candidate.SopInstanceUid} decodes to {reconstruction.Frames} x {reconstruction.Rows} x {reconstruction.Columns}, not {frames.Frames} x {frames.Rows} x {frames.Columns}.");
        }

        var quality = qualityMeter.Measure(frames, reconstruction);
        if (!action.Passes(quality))
        {
            await objects.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            Log.GateFailed(logger, candidate.SopInstanceUid, modelId, quality.Psnr, quality.Ssim, action.MinPsnr, action.MinSsim);
            return "gate_failed";
        }

        // The header is kept whole beside the latent: the JSON header in PostgreSQL holds values over the bulk data
        // threshold only as references into the original, which is deleted after the retention period.
        StoredObject header;
        try
        {
            header = await StoreHeaderAsync(candidate, file, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await objects.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        var replacement = new VerifiedReplacement(StorageKind.Latent, stored, LatentCodec, modelId);
        await RecordAsync(candidate, original, replacement, header, quality, "gate_passed", cancellationToken).ConfigureAwait(false);
        Log.Latent(logger, candidate.SopInstanceUid, modelId, encoding.Quantization, stored.Size, quality.Psnr, quality.Ssim);
        return null;
    }

    private async Task StoreLosslessAsync(
        CompressionCandidate candidate, ArchivedObject original, DicomFile file, DicomPixelData pixelData, string reason, CancellationToken cancellationToken)
    {
        var copy = new LosslessEncoder(_codecs).Encode(file, out var failure);
        if (copy is null)
        {
            Log.NoLosslessCodec(logger, candidate.SopInstanceUid, failure!);
            await KeepAsync(candidate, "no_lossless_codec", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (copy.File.Length >= original.Size)
        {
            await KeepAsync(candidate, "lossless_not_smaller", cancellationToken).ConfigureAwait(false);
            return;
        }

        var key = NewKey(candidate.SopInstanceUid, "lossless.dcm");
        var stored = await PutVerifiedAsync(key, copy.File, cancellationToken).ConfigureAwait(false);
        var readBack = await ReadVerifiedAsync(new ArchivedObject(StorageKind.Lossless, key, copy.TransferSyntax.Uid, stored.Size, stored.Sha256, null), candidate.InstanceId, cancellationToken).ConfigureAwait(false);
        var reread = DicomFile.Read(new MemoryStream(readBack, writable: false));
        if (reread.TransferSyntax.Uid != copy.TransferSyntax.Uid
            || !StoredValuesComparer.Equal(pixelData, DicomPixelData.Create(reread.Dataset, reread.TransferSyntax), _codecs))
        {
            // Never replace an original by pixels that differ from it: keep the original and say so.
            await objects.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            Log.LosslessMismatch(logger, candidate.SopInstanceUid, copy.TransferSyntax.Uid);
            await KeepAsync(candidate, "lossless_mismatch", cancellationToken).ConfigureAwait(false);
            return;
        }

        var replacement = new VerifiedReplacement(StorageKind.Lossless, stored, copy.TransferSyntax.Uid, null);
        await RecordAsync(candidate, original, replacement, null, null, reason, cancellationToken).ConfigureAwait(false);
        Log.Lossless(logger, candidate.SopInstanceUid, copy.TransferSyntax.Uid, reason, original.Size, stored.Size);
    }

    /// <summary>
    /// Writes the original's data set without its pixel data as a Part 10 file in Explicit VR Little Endian (every
    /// other element as received: VRs, private tags, bulk values), reads it back and checks its SHA-256.
    /// </summary>
    private async Task<StoredObject> StoreHeaderAsync(CompressionCandidate candidate, DicomFile file, CancellationToken cancellationToken)
    {
        var content = HeaderObject.Write(file);
        var key = NewKey(candidate.SopInstanceUid, "header.dcm");
        var stored = await PutVerifiedAsync(key, content, cancellationToken).ConfigureAwait(false);
        try
        {
            await ReadVerifiedAsync(new ArchivedObject(StorageKind.Header, key, HeaderObject.Codec, stored.Size, stored.Sha256, null), candidate.InstanceId, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await objects.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return stored;
    }

    private async Task RecordAsync(
        CompressionCandidate candidate, ArchivedObject original, VerifiedReplacement replacement, StoredObject? header, QualityMeasure? quality, string reason, CancellationToken cancellationToken)
    {
        if (!await index.RecordReplacementAsync(candidate.InstanceId, original.Key, replacement, header, quality, options.Retention, CancellationToken.None).ConfigureAwait(false))
        {
            // The instance was replaced meanwhile (its new content has its own job) or another run recorded first.
            await objects.DeleteAsync(replacement.Stored.Key, CancellationToken.None).ConfigureAwait(false);
            if (header is not null)
            {
                await objects.DeleteAsync(header.Key, CancellationToken.None).ConfigureAwait(false);
            }

            return;
        }

        metrics?.Record(replacement.Kind == StorageKind.Latent ? "latent" : "lossless", reason, replacement.Stored.Size);
    }

    private async Task KeepAsync(CompressionCandidate candidate, string reason, CancellationToken cancellationToken)
    {
        await index.RecordKeptAsync(candidate.InstanceId, cancellationToken).ConfigureAwait(false);
        metrics?.Record("kept", reason, 0);
        Log.Kept(logger, candidate.SopInstanceUid, reason);
    }

    /// <summary>Writes <paramref name="content"/> and checks the store reports its size and SHA-256.</summary>
    private async Task<StoredObject> PutVerifiedAsync(string key, byte[] content, CancellationToken cancellationToken)
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(content));
        var stored = await objects.PutAsync(key, new MemoryStream(content, writable: false), cancellationToken).ConfigureAwait(false);
        if (stored.Sha256 != expected || stored.Size != content.Length)
        {
            await objects.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            throw new IOException($"Object {key} was stored as {stored.Size} bytes with SHA-256 {stored.Sha256}, not {content.Length} bytes with {expected}.");
        }

        return stored;
    }

    /// <summary>Reads an object whole and checks its size and SHA-256 against <paramref name="expected"/> (corrupt: fails the job for good).</summary>
    private async Task<byte[]> ReadVerifiedAsync(ArchivedObject expected, long instanceId, CancellationToken cancellationToken)
    {
        var content = await objects.OpenReadAsync(expected.Key, cancellationToken).ConfigureAwait(false);
        byte[] bytes;
        await using (content.ConfigureAwait(false))
        {
            using var copy = new MemoryStream(expected.Size > 0 && expected.Size < int.MaxValue ? (int)expected.Size : 0);
            await content.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            bytes = copy.ToArray();
        }

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (sha256 != expected.Sha256 || bytes.Length != expected.Size)
        {
            Log.Corrupt(logger, instanceId, expected.Key, expected.Size, expected.Sha256, bytes.Length, sha256);
            throw new PermanentJobFailureException(
                $"Object {expected.Key} of instance {instanceId} is corrupt: expected {expected.Size} bytes with SHA-256 {expected.Sha256}, the store holds {bytes.Length} bytes with SHA-256 {sha256}.");
        }

        return bytes;
    }

    /// <summary>A fresh key per object (like ingest's), so no run ever overwrites an object another may have recorded.</summary>
    private static string NewKey(string sopInstanceUid, string suffix)
    {
        var safe = new string(sopInstanceUid.Select(character => char.IsAsciiDigit(character) || character == '.' ? character : '_').ToArray());
        return $"{safe}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.{suffix}";
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2500, Level = LogLevel.Information, Message = "Compressed {SopInstanceUid} to a {ModelId} latent ({Quantization}, {Bytes} bytes): PSNR {Psnr:F2} dB, SSIM {Ssim:F4}")]
        public static partial void Latent(ILogger logger, string sopInstanceUid, string modelId, string quantization, long bytes, double psnr, double ssim);

        [LoggerMessage(EventId = 2501, Level = LogLevel.Information, Message = "Stored {SopInstanceUid} lossless as {TransferSyntax} ({Reason}): {OriginalBytes} -> {Bytes} bytes")]
        public static partial void Lossless(ILogger logger, string sopInstanceUid, string transferSyntax, string reason, long originalBytes, long bytes);

        [LoggerMessage(EventId = 2502, Level = LogLevel.Information, Message = "Kept the original of {SopInstanceUid} ({Reason})")]
        public static partial void Kept(ILogger logger, string sopInstanceUid, string reason);

        [LoggerMessage(EventId = 2503, Level = LogLevel.Warning, Message = "The latent of {SopInstanceUid} by {ModelId} failed the quality gate (PSNR {Psnr:F2} dB, SSIM {Ssim:F4}; needs {MinPsnr} dB, {MinSsim}): storing it lossless")]
        public static partial void GateFailed(ILogger logger, string sopInstanceUid, string modelId, double psnr, double ssim, double minPsnr, double minSsim);

        [LoggerMessage(EventId = 2504, Level = LogLevel.Warning, Message = "Model {ModelId} (or the quality measure) is not available to compress {SopInstanceUid}: storing it lossless")]
        public static partial void ModelUnavailable(ILogger logger, string sopInstanceUid, string modelId);

        [LoggerMessage(EventId = 2505, Level = LogLevel.Information, Message = "{SopInstanceUid} cannot be stored as a latent ({Reason}): storing it lossless")]
        public static partial void NotLatent(ILogger logger, string sopInstanceUid, string reason);

        [LoggerMessage(EventId = 2506, Level = LogLevel.Warning, Message = "No lossless codec can hold the pixels of {SopInstanceUid} ({Reasons}): keeping the original")]
        public static partial void NoLosslessCodec(ILogger logger, string sopInstanceUid, string reasons);

        [LoggerMessage(EventId = 2507, Level = LogLevel.Error, Message = "The lossless copy ({TransferSyntax}) of {SopInstanceUid} does not decode to the original's pixels: keeping the original")]
        public static partial void LosslessMismatch(ILogger logger, string sopInstanceUid, string transferSyntax);

        [LoggerMessage(EventId = 2508, Level = LogLevel.Error, Message = "COMPRESS REFUSED: instance {InstanceId} object {Key}: expected {ExpectedSize} bytes sha256 {ExpectedSha256}, store has {ActualSize} bytes sha256 {ActualSha256}")]
        public static partial void Corrupt(ILogger logger, long instanceId, string key, long expectedSize, string expectedSha256, long actualSize, string actualSha256);
    }
}
