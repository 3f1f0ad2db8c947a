using System.Security.Cryptography;
using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Compression.Representations;
using Gateway.Core.Headers;
using Gateway.Core.Series;
using Gateway.Core.Storage;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Microsoft.Extensions.Logging;

namespace Gateway.Core.Jobs;

/// <summary>
/// The "compress" job (DESIGN.md, the flow of one instance): reads the original and checks its SHA-256, applies the
/// policy, and stores the smallest allowed representation that meets the rule's target (<see cref="RepresentationChooser"/>:
/// latent, latent+residual, j2k-lossy), or else a lossless copy whose decoded pixels equal the original's bit for bit;
/// where the rule keeps latents, the AI latent is stored beside a non-latent choice. A replacement is written, read
/// back, checksum-verified and decoded from the stored bytes, and must meet its target again, before one transaction
/// records it (with every candidate tried), marks the instance compressed and schedules the original's deletion
/// after the retention period; the original is never touched here. Idempotent: a recorded replacement or outcome
/// means the work is done, and an object written by a run that crashed before recording it is an orphan the
/// start-up sweep removes. The engine is asked for only when the rule needs a model (loading it is costly).
///
/// An instance whose rule is Latent3D (CT or MR, single frame) is the series job's first: the "compress" job queues
/// (or pushes back) its series' job and stops; the series job stores it in the series latent or queues its
/// "compress-2d" job (<see cref="TwoDimensionalJobKind"/>, the same work on the rule's per-instance path).
/// </summary>
public sealed partial class CompressJobHandler(
    ICompressionIndex index,
    IObjectStore objects,
    InstanceHeaders headers,
    CompressionOptions options,
    ILogger<CompressJobHandler> logger,
    ILatentEngine engine,
    ICrashPoints crashPoints,
    ISeriesLatentIndex seriesIndex,
    IModelPromotions promotions,
    IQualityMeter? qualityMeter = null,
    CompressionMetrics? metrics = null) : IJobHandler
{
    /// <summary>The job kind.</summary>
    public const string JobKind = "compress";

    /// <summary>The job kind of an instance the series job hands back to the per-instance path (a Latent3D rule's 2D candidates).</summary>
    public const string TwoDimensionalJobKind = "compress-2d";

    /// <summary>The codec recorded for latent objects (the container format, DESIGN.md "Latent container").</summary>
    public const string LatentCodec = "medvae-latent/1";

    private readonly DicomCodecRegistry _codecs = DicomCodecRegistry.Default;
    private readonly RepresentationPlanner _planner = new(engine, qualityMeter, logger);

    public string Kind => JobKind;

    /// <summary>The "compress" job: a Latent3D instance goes to its series job first.</summary>
    public Task HandleAsync(QueuedJob job, CancellationToken cancellationToken) => HandleAsync(job, seriesFirst: true, cancellationToken);

    /// <summary>The job; <paramref name="seriesFirst"/> false: a Latent3D rule's per-instance path at once ("compress-2d").</summary>
    public async Task HandleAsync(QueuedJob job, bool seriesFirst, CancellationToken cancellationToken)
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
        var recording = new FirstReplacement(index, metrics, instanceId, original.Key, options.Retention);
        var (file, header) = await ReadSourceAsync(candidate, original, cancellationToken).ConfigureAwait(false);
        if (!DicomPixelData.HasPixelData(file.Dataset))
        {
            await KeepAsync(recording, candidate, "no pixel data", cancellationToken).ConfigureAwait(false);
            return;
        }

        var pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
        var subject = CompressionSubjects.Of(candidate, file.Dataset, pixelData);
        // Read per job: a model promoted on the console applies from the next job on, in every worker process.
        var policy = new CompressionPolicy(options, await promotions.ListAsync(cancellationToken).ConfigureAwait(false));
        var action = policy.Choose(subject);
        if (action.Kind == CompressionActionKind.Latent3D)
        {
            if (seriesFirst && subject.Modality?.Trim().ToUpperInvariant() is "CT" or "MR" && pixelData.NumberOfFrames == 1)
            {
                await seriesIndex.ScheduleAsync(instanceId, options.SeriesQuiet, cancellationToken).ConfigureAwait(false);
                Log.ToSeries(logger, candidate.SopInstanceUid);
                return;
            }

            action = action.TwoDimensional;
        }

        if (action.Kind == CompressionActionKind.KeepOriginal)
        {
            await KeepAsync(recording, candidate, "policy", cancellationToken).ConfigureAwait(false);
            return;
        }

        await CompressAsync(new Work(candidate, original, file, pixelData, action, header, recording), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The path of the lifecycle job (<see cref="Lifecycle.LifecycleJobHandler"/>) and the backfill job
    /// (<see cref="Backfill.ModelBackfillJobHandler"/>): stores the instance again from <paramref name="source"/> (its
    /// original or its lossless copy, pixels as received) as the action <paramref name="actionOf"/> gives for its
    /// subject asks, through the same choice, writes, read-backs, checks and decodes as the compress job, and records
    /// the outcome through <paramref name="recording"/>. No action (null) or KeepOriginal leaves it as it is
    /// (recorded with the reason "other_rule" or "policy").
    /// </summary>
    internal async Task ReencodeAsync(
        CompressionCandidate candidate, ArchivedObject source, Func<CompressionSubject, CompressionAction?> actionOf, IReplacementRecording recording, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(actionOf);
        if (source.Kind is not (StorageKind.Original or StorageKind.Lossless))
        {
            throw new ArgumentException($"The source of a re-encode holds the pixels as received (original or lossless), not {source.Kind}.", nameof(source));
        }

        var (file, header) = await ReadSourceAsync(candidate, source, cancellationToken).ConfigureAwait(false);
        if (!DicomPixelData.HasPixelData(file.Dataset))
        {
            await KeepAsync(recording, candidate, "no pixel data", cancellationToken).ConfigureAwait(false);
            return;
        }

        var pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
        var action = actionOf(CompressionSubjects.Of(candidate, file.Dataset, pixelData));
        if (action is null || action.Kind == CompressionActionKind.KeepOriginal)
        {
            await KeepAsync(recording, candidate, action is null ? "other_rule" : "policy", cancellationToken).ConfigureAwait(false);
            return;
        }

        await CompressAsync(new Work(candidate, source, file, pixelData, action, header, recording), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The file of an original or lossless object (read whole, checksum-verified) and the instance's stored header
    /// delta; for an original, the stored header is first made to hold every element of it (before anything may replace it).
    /// </summary>
    private async Task<(DicomFile File, DicomDataset? Header)> ReadSourceAsync(CompressionCandidate candidate, ArchivedObject source, CancellationToken cancellationToken)
    {
        var bytes = await ReadVerifiedAsync(source, candidate.InstanceId, cancellationToken).ConfigureAwait(false);
        var what = "instance " + candidate.SopInstanceUid;
        if (source.Kind != StorageKind.Original)
        {
            var delta = await headers.ReadDeltaAsync(candidate.InstanceId, what, cancellationToken).ConfigureAwait(false);
            return (HeaderFreeFile.Served(bytes, delta), delta);
        }

        var file = DicomFile.Read(new MemoryStream(bytes, writable: false));
        await headers.EnsureCompleteAsync(candidate.InstanceId, file.Dataset.GetString(DicomTags.SeriesInstanceUID)!, file, cancellationToken).ConfigureAwait(false);
        return (file, await headers.ReadDeltaAsync(candidate.InstanceId, what, cancellationToken).ConfigureAwait(false));
    }

    private async Task CompressAsync(Work work, CancellationToken cancellationToken)
    {
        var (candidate, action) = (work.Candidate, work.Action);
        var (lossless, losslessStored, losslessFailure, frames, encoding, choice, reason) =
            _planner.Plan(candidate.SopInstanceUid, work.File, work.PixelData, action, work.Header, cancellationToken);
        if (choice.Representation != Representation.Lossless)
        {
            var stored = choice.Representation switch
            {
                Representation.Latent => await StoreLatentAsync(work, frames!, encoding!, choice, cancellationToken).ConfigureAwait(false),
                Representation.LatentResidual => await StoreLatentResidualAsync(work, frames!, encoding!, choice, cancellationToken).ConfigureAwait(false),
                _ => await StoreJ2kLossyAsync(work, frames!, encoding, choice, cancellationToken).ConfigureAwait(false),
            };
            if (stored)
            {
                return;
            }

            reason = "stored_candidate_missed";
        }

        await StoreLosslessAsync(work, lossless, losslessStored, losslessFailure, encoding, choice.Trials, reason, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> StoreLatentAsync(Work work, PixelFrames frames, LatentEncoding encoding, RepresentationChoice choice, CancellationToken cancellationToken)
    {
        var candidate = work.Candidate;
        var stored = await PutAndReadBackAsync(work, StorageKind.Latent, "latent", encoding.Container, LatentCodec, encoding.ModelId, cancellationToken).ConfigureAwait(false);

        // The read-back bytes passed the SHA-256 check against the container, so they are the container, and the
        // engine's decode of the container (encoding.Reconstruction, made while choosing int8 or fp16) is the decode
        // of the stored bytes: the latent is not decoded a second time (issue 11 item 6).
        var reconstruction = encoding.Reconstruction;
        if (reconstruction.Rows != frames.Rows || reconstruction.Columns != frames.Columns || reconstruction.Frames != frames.Frames)
        {
            await DeleteWrittenAsync(work).ConfigureAwait(false);
            throw new InvalidOperationException($"The latent of {candidate.SopInstanceUid} decodes to {reconstruction.Frames} x {reconstruction.Rows} x {reconstruction.Columns}, not {frames.Frames} x {frames.Rows} x {frames.Columns}.");
        }

        var quality = choice.LatentQuality!;
        var outcome = new CompressionOutcome(stored, null, quality, work.Action.Target, choice.Trials, "target_met");
        await RecordAsync(work, outcome, cancellationToken).ConfigureAwait(false);
        Log.Latent(logger, candidate.SopInstanceUid, encoding.ModelId, encoding.Quantization, stored.Stored.Size, quality.Psnr, quality.Ssim);
        return true;
    }

    private async Task<bool> StoreLatentResidualAsync(Work work, PixelFrames frames, LatentEncoding encoding, RepresentationChoice choice, CancellationToken cancellationToken)
    {
        var candidate = work.Candidate;
        var content = choice.LatentResidual!.Object.Write();
        var stored = await PutAndReadBackAsync(work, StorageKind.LatentResidual, "latent-residual", content, LatentResidualObject.Codec, encoding.ModelId, cancellationToken).ConfigureAwait(false);

        // The residual is decoded from the stored bytes. Their latent part passed the SHA-256 check with the rest, so it
        // is the container the engine decoded while encoding, and encoding.Reconstruction is its decode (item 6).
        var readBack = LatentResidualObject.Read(work.LastReadBack!);
        var decoded = new LatentResidualCodec(_codecs).Decode(readBack, encoding.Reconstruction);
        var (meets, quality) = new CandidateJudge(qualityMeter!, work.Action.Target).Judge(frames, decoded);
        if (!meets || !readBack.Latent.AsSpan().SequenceEqual(encoding.Container))
        {
            Log.StoredMissed(logger, candidate.SopInstanceUid, RepresentationNames.LatentResidual, quality.Psnr, quality.MaxAbsError ?? -1);
            await DeleteWrittenAsync(work).ConfigureAwait(false);
            return false;
        }

        await RecordAsync(work, new CompressionOutcome(stored, null, quality, work.Action.Target, choice.Trials, "target_met"), cancellationToken).ConfigureAwait(false);
        Log.Represented(logger, candidate.SopInstanceUid, RepresentationNames.LatentResidual, stored.Stored.Size, quality.Psnr, quality.Ssim, quality.MaxAbsError ?? -1);
        return true;
    }

    private async Task<bool> StoreJ2kLossyAsync(Work work, PixelFrames frames, LatentEncoding? encoding, RepresentationChoice choice, CancellationToken cancellationToken)
    {
        var candidate = work.Candidate;
        var content = HeaderFreeFile.StoredForm(new J2kLossyEncoder(_codecs).Write(work.File, choice.J2kLossy!.Ratio), work.Header);
        var stored = await PutAndReadBackAsync(work, StorageKind.J2kLossy, "j2k.dcm", content, J2kLossyEncoder.Syntax.Uid, null, cancellationToken).ConfigureAwait(false);

        // Decoded from the bytes the store gave back, as retrieval builds the file it serves.
        var reread = HeaderFreeFile.Served(work.LastReadBack!, work.Header);
        var rereadPixels = DicomPixelData.Create(reread.Dataset, reread.TransferSyntax);
        var decoded = reread.TransferSyntax == J2kLossyEncoder.Syntax ? PixelFramesReader.Read(reread.Dataset, rereadPixels, _codecs, out _) : null;
        var (meets, quality) = decoded is null || decoded.Values.Length != frames.Values.Length
            ? (false, new QualityMeasure(double.NaN, double.NaN))
            : new CandidateJudge(qualityMeter!, work.Action.Target).Judge(frames, decoded);
        if (!meets)
        {
            Log.StoredMissed(logger, candidate.SopInstanceUid, RepresentationNames.J2kLossy, quality.Psnr, quality.MaxAbsError ?? -1);
            await DeleteWrittenAsync(work).ConfigureAwait(false);
            return false;
        }

        var kept = work.Action.KeepLatent && encoding is not null ? await StoreKeptLatentAsync(work, encoding, cancellationToken).ConfigureAwait(false) : null;
        await RecordAsync(work, new CompressionOutcome(stored, kept, quality, work.Action.Target, choice.Trials, "target_met"), cancellationToken).ConfigureAwait(false);
        Log.Represented(logger, candidate.SopInstanceUid, RepresentationNames.J2kLossy, stored.Stored.Size, quality.Psnr, quality.Ssim, quality.MaxAbsError ?? -1);
        return true;
    }

    private async Task StoreLosslessAsync(
        Work work, LosslessCopy? copy, byte[]? storedForm, string? failure, LatentEncoding? encoding, IReadOnlyList<CandidateTrial> trials, string reason, CancellationToken cancellationToken)
    {
        var candidate = work.Candidate;
        if (copy is null)
        {
            Log.NoLosslessCodec(logger, candidate.SopInstanceUid, failure!);
            await KeepAsync(work.Recording, candidate, "no_lossless_codec", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (copy.File.Length >= work.Original.Size)
        {
            await KeepAsync(work.Recording, candidate, "lossless_not_smaller", cancellationToken).ConfigureAwait(false);
            return;
        }

        var stored = await PutAndReadBackAsync(work, StorageKind.Lossless, "lossless.dcm", storedForm!, copy.TransferSyntax.Uid, null, cancellationToken).ConfigureAwait(false);
        var reread = HeaderFreeFile.Served(work.LastReadBack!, work.Header);
        if (reread.TransferSyntax.Uid != copy.TransferSyntax.Uid
            || !StoredValuesComparer.Equal(work.PixelData, DicomPixelData.Create(reread.Dataset, reread.TransferSyntax), _codecs))
        {
            // Never replace an original by pixels that differ from it: keep the original and say so.
            await DeleteWrittenAsync(work).ConfigureAwait(false);
            Log.LosslessMismatch(logger, candidate.SopInstanceUid, copy.TransferSyntax.Uid);
            await KeepAsync(work.Recording, candidate, "lossless_mismatch", cancellationToken).ConfigureAwait(false);
            return;
        }

        var kept = work.Action.KeepLatent && encoding is not null ? await StoreKeptLatentAsync(work, encoding, cancellationToken).ConfigureAwait(false) : null;
        await RecordAsync(work, new CompressionOutcome(stored, kept, null, null, trials, reason), cancellationToken).ConfigureAwait(false);
        Log.Lossless(logger, candidate.SopInstanceUid, copy.TransferSyntax.Uid, reason, work.Original.Size, stored.Stored.Size);
    }

    /// <summary>The AI latent beside a non-latent replacement (KeepLatent), in 8 bits, written, read back and checked.</summary>
    private Task<VerifiedReplacement> StoreKeptLatentAsync(Work work, LatentEncoding encoding, CancellationToken cancellationToken) =>
        PutAndReadBackAsync(work, StorageKind.AiLatent, "ai-latent", encoding.AiContainer, LatentCodec, encoding.ModelId, cancellationToken);

    /// <summary>Writes an object, reads it back and checks its SHA-256 (keeping the bytes in <see cref="Work.LastReadBack"/>); on failure nothing of this run stays written.</summary>
    private async Task<VerifiedReplacement> PutAndReadBackAsync(
        Work work, StorageKind kind, string suffix, byte[] content, string codec, string? modelId, CancellationToken cancellationToken)
    {
        var key = NewKey(work.Candidate.SopInstanceUid, suffix);
        try
        {
            var stored = await objects.PutVerifiedAsync(key, content, cancellationToken).ConfigureAwait(false);
            work.Written.Add(key);
            work.LastReadBack = await ReadVerifiedAsync(new ArchivedObject(kind, key, codec, stored.Size, stored.Sha256, modelId), work.Candidate.InstanceId, cancellationToken).ConfigureAwait(false);
            crashPoints.Reached(CrashPoint.CandidateWritten);
            return new VerifiedReplacement(kind, stored, codec, modelId);
        }
        catch
        {
            await DeleteWrittenAsync(work).ConfigureAwait(false);
            throw;
        }
    }

    private async Task DeleteWrittenAsync(Work work)
    {
        foreach (var key in work.Written)
        {
            await objects.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
        }

        work.Written.Clear();
    }

    private async Task RecordAsync(Work work, CompressionOutcome outcome, CancellationToken cancellationToken)
    {
        if (!await work.Recording.RecordAsync(outcome, CancellationToken.None).ConfigureAwait(false))
        {
            // The instance was replaced meanwhile (its new content has its own job), another run recorded first, or
            // (a lifecycle move) the choice is not cheaper than what the instance has.
            await DeleteWrittenAsync(work).ConfigureAwait(false);
            return;
        }

        crashPoints.Reached(CrashPoint.ChoiceRecorded);
        work.Written.Clear();
    }

    private static string RepresentationOf(StorageKind kind) => kind switch
    {
        StorageKind.Latent => RepresentationNames.Latent,
        StorageKind.LatentResidual => RepresentationNames.LatentResidual,
        StorageKind.J2kLossy => RepresentationNames.J2kLossy,
        _ => RepresentationNames.Lossless,
    };

    private async Task KeepAsync(IReplacementRecording recording, CompressionCandidate candidate, string reason, CancellationToken cancellationToken)
    {
        await recording.KeepAsync(reason, cancellationToken).ConfigureAwait(false);
        Log.Kept(logger, candidate.SopInstanceUid, reason);
    }

    /// <summary>Reads an object whole and checks its size and SHA-256 against <paramref name="expected"/> (corrupt: fails the job for good).</summary>
    private async Task<byte[]> ReadVerifiedAsync(ArchivedObject expected, long instanceId, CancellationToken cancellationToken)
    {
        var (bytes, sha256) = await objects.ReadWholeAsync(expected.Key, expected.Size, cancellationToken).ConfigureAwait(false);
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

    /// <summary>The compress job's recording: the original's first replacement, with the retire-original job after the retention period, and the metrics.</summary>
    private sealed class FirstReplacement(ICompressionIndex index, CompressionMetrics? metrics, long instanceId, string originalKey, TimeSpan retention) : IReplacementRecording
    {
        public async Task<bool> RecordAsync(CompressionOutcome outcome, CancellationToken cancellationToken)
        {
            if (!await index.RecordReplacementAsync(instanceId, originalKey, outcome, retention, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            metrics?.Record(RepresentationOf(outcome.Replacement.Kind), outcome.Reason, outcome.Replacement.Stored.Size, outcome.Quality);
            if (outcome.KeptLatent is { } kept)
            {
                metrics?.RecordKeptLatent(kept.Stored.Size);
            }

            return true;
        }

        public async Task KeepAsync(string reason, CancellationToken cancellationToken)
        {
            await index.RecordKeptAsync(instanceId, cancellationToken).ConfigureAwait(false);
            metrics?.Record("kept", reason, 0, null);
        }
    }

    /// <summary>
    /// One run of the job on one instance: what it works on (<see cref="Original"/>: the object its pixels are read
    /// from, the original or, for a lifecycle move, its lossless copy; with its stored header, which lossless and j2k-lossy
    /// objects are stored without: <see cref="HeaderFreeFile"/>), where its choice is recorded, and the keys it wrote and has not recorded yet.
    /// </summary>
    private sealed record Work(CompressionCandidate Candidate, ArchivedObject Original, DicomFile File, DicomPixelData PixelData, CompressionAction Action, DicomDataset? Header, IReplacementRecording Recording)
    {
        public List<string> Written { get; } = [];

        /// <summary>The bytes the store gave back for the object written last (SHA-256 checked).</summary>
        public byte[]? LastReadBack { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7850, Level = LogLevel.Debug, Message = "{SopInstanceUid}: its rule is Latent3D; its series job decides")]
        public static partial void ToSeries(ILogger logger, string sopInstanceUid);

        [LoggerMessage(EventId = 2500, Level = LogLevel.Information, Message = "Compressed {SopInstanceUid} to a {ModelId} latent ({Quantization}, {Bytes} bytes): PSNR {Psnr:F2} dB, SSIM {Ssim:F4}")]
        public static partial void Latent(ILogger logger, string sopInstanceUid, string modelId, string quantization, long bytes, double psnr, double ssim);

        [LoggerMessage(EventId = 2501, Level = LogLevel.Information, Message = "Stored {SopInstanceUid} lossless as {TransferSyntax} ({Reason}): {OriginalBytes} -> {Bytes} bytes")]
        public static partial void Lossless(ILogger logger, string sopInstanceUid, string transferSyntax, string reason, long originalBytes, long bytes);

        [LoggerMessage(EventId = 2502, Level = LogLevel.Information, Message = "Kept the original of {SopInstanceUid} ({Reason})")]
        public static partial void Kept(ILogger logger, string sopInstanceUid, string reason);

        [LoggerMessage(EventId = 2506, Level = LogLevel.Warning, Message = "No lossless codec can hold the pixels of {SopInstanceUid} ({Reasons}): keeping the original")]
        public static partial void NoLosslessCodec(ILogger logger, string sopInstanceUid, string reasons);

        [LoggerMessage(EventId = 2507, Level = LogLevel.Error, Message = "The lossless copy ({TransferSyntax}) of {SopInstanceUid} does not decode to the original's pixels: keeping the original")]
        public static partial void LosslessMismatch(ILogger logger, string sopInstanceUid, string transferSyntax);

        [LoggerMessage(EventId = 2508, Level = LogLevel.Error, Message = "COMPRESS REFUSED: instance {InstanceId} object {Key}: expected {ExpectedSize} bytes sha256 {ExpectedSha256}, store has {ActualSize} bytes sha256 {ActualSha256}")]
        public static partial void Corrupt(ILogger logger, long instanceId, string key, long expectedSize, string expectedSha256, long actualSize, string actualSha256);

        [LoggerMessage(EventId = 2511, Level = LogLevel.Information, Message = "Compressed {SopInstanceUid} to {Representation} ({Bytes} bytes): PSNR {Psnr:F2} dB, SSIM {Ssim:F4}, max error {MaxAbsError}")]
        public static partial void Represented(ILogger logger, string sopInstanceUid, string representation, long bytes, double psnr, double ssim, int maxAbsError);

        [LoggerMessage(EventId = 2512, Level = LogLevel.Error, Message = "The stored {Representation} of {SopInstanceUid} decodes below its target (PSNR {Psnr:F2} dB, max error {MaxAbsError}) although its encoding met it: storing it lossless")]
        public static partial void StoredMissed(ILogger logger, string sopInstanceUid, string representation, double psnr, int maxAbsError);
    }
}
