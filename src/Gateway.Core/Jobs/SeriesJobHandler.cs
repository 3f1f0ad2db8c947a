using System.Diagnostics;
using System.Security.Cryptography;
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
/// The "series" job (docs/decisions/series-latents.md): once a series whose CT/MR instances fall under a Latent3D
/// rule has been quiet for <see cref="CompressionOptions.SeriesQuiet"/>, reads its pending originals (SHA-256
/// checked), assembles the volume from their geometry (<see cref="VolumeAssembler"/>), encodes it with the rule's 3D
/// model into one series latent, writes it, reads it back and checks its checksum, decodes the stored bytes and
/// gates every slice on the rule's target (PSNR on the slice's own range, as the 2D gate). One transaction records
/// the series latent and points every slice that met the target at it (with a retire-original job: an original is
/// deleted only after its slice was served from the verified stored latent); every other instance (a slice that
/// missed, one outside the volume, one whose rule is not Latent3D, one that arrived after a latent was made) gets its
/// per-instance compress job. If fewer than half the slices meet the target, no series latent is kept. Idempotent:
/// a series with a latent treats its pending instances as late; an object written by a run that crashed before
/// recording it is an orphan the start-up sweep removes; a crash after recording leaves late instances to the rerun.
/// One series job runs per series at a time (<see cref="ISeriesLatentIndex.TryHoldAsync"/>); a second one waits.
/// </summary>
public sealed partial class SeriesJobHandler(
    ISeriesLatentIndex index,
    IObjectStore objects,
    InstanceHeaders headers,
    CompressionOptions options,
    VolumeAssemblyOptions assemblyOptions,
    IVolumeLatentEngine engine,
    IQualityMeter qualityMeter,
    ICrashPoints crashPoints,
    TimeProvider time,
    ILogger<SeriesJobHandler> logger) : IJobHandler
{
    /// <summary>The job kind.</summary>
    public const string JobKind = "series";

    /// <summary>The codec recorded for series latents (the container format, version 2).</summary>
    public const string Codec = "medvae-latent/2";

    /// <summary>How long a series job that finds another running for its series waits before it looks again.</summary>
    private static readonly TimeSpan BusyRetry = TimeSpan.FromSeconds(10);

    private readonly CompressionPolicy _policy = new(options);
    private readonly DicomCodecRegistry _codecs = DicomCodecRegistry.Default;

    public string Kind => JobKind;

    public async Task HandleAsync(QueuedJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.SeriesId is not { } seriesId)
        {
            throw new PermanentJobFailureException($"Series job {job.Id} names no series.");
        }

        var held = await index.TryHoldAsync(seriesId, cancellationToken).ConfigureAwait(false);
        if (held is null)
        {
            // Another worker runs this series' job: look again once it is likely done.
            await index.ScheduleSeriesAsync(seriesId, time.GetUtcNow() + BusyRetry + options.SeriesQuiet, cancellationToken).ConfigureAwait(false);
            Log.Busy(logger, seriesId);
            return;
        }

        await using (held.ConfigureAwait(false))
        {
            await HandleHeldAsync(seriesId, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task HandleHeldAsync(long seriesId, CancellationToken cancellationToken)
    {
        var series = await index.LoadAsync(seriesId, cancellationToken).ConfigureAwait(false);
        if (series is null)
        {
            return;
        }

        var quietFrom = series.LastReceived + options.SeriesQuiet;
        if (quietFrom > time.GetUtcNow())
        {
            // An instance arrived after this job was queued: run once the series has been quiet again.
            await index.ScheduleSeriesAsync(seriesId, quietFrom, cancellationToken).ConfigureAwait(false);
            return;
        }

        var pending = series.Members.Where(member => member.Compression is null && member.Original is not null).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        if (series.HasLatent)
        {
            Log.Late(logger, series.SeriesInstanceUid, pending.Count);
            await index.EnqueueTwoDimensionalAsync([.. pending.Select(member => member.InstanceId)], cancellationToken).ConfigureAwait(false);
            return;
        }

        var twoDimensional = new List<long>();
        var slices = new List<Slice>();
        CompressionAction? action = null;
        foreach (var member in pending)
        {
            var slice = await ReadAsync(series, member, cancellationToken).ConfigureAwait(false);
            var chosen = _policy.Choose(slice.Subject);
            if (chosen.Kind != CompressionActionKind.Latent3D || (action is not null && (chosen.VolumeModelId != action.VolumeModelId || chosen.Target != action.Target)))
            {
                // Its rule does not store it in a series latent (or names another 3D model or target than the first slice's).
                twoDimensional.Add(member.InstanceId);
                continue;
            }

            action ??= chosen;
            slices.Add(slice);
        }

        var serving = action is null ? [] : await EncodeAsync(series, slices, action, cancellationToken).ConfigureAwait(false);
        twoDimensional.AddRange(slices.Select(slice => slice.Member.InstanceId).Except(serving));
        await index.EnqueueTwoDimensionalAsync(twoDimensional, cancellationToken).ConfigureAwait(false);
        Log.Decided(logger, series.SeriesInstanceUid, serving.Count, twoDimensional.Count);
    }

    /// <summary>The instances that now serve from a recorded series latent (empty when none was kept).</summary>
    private async Task<IReadOnlyList<long>> EncodeAsync(SeriesMembers series, List<Slice> slices, CompressionAction action, CancellationToken cancellationToken)
    {
        var assembly = new VolumeAssembler(assemblyOptions).Assemble([.. slices.Select(slice => slice.Geometry)]);
        foreach (var excluded in assembly.Excluded)
        {
            Log.Excluded(logger, series.SeriesInstanceUid, excluded.SopInstanceUid, excluded.Reason, excluded.Detail);
        }

        if (assembly.Volume is not { } candidate || !engine.Knows(action.VolumeModelId!))
        {
            if (assembly.Volume is not null)
            {
                Log.ModelUnavailable(logger, series.SeriesInstanceUid, action.VolumeModelId!);
            }

            return [];
        }

        var bySop = slices.ToDictionary(slice => slice.Member.SopInstanceUid, StringComparer.Ordinal);
        var ordered = candidate.Slices.Select(volumeSlice => bySop[volumeSlice.Instance.SopInstanceUid]).ToList();
        var volume = ReadVolume(ordered);
        if (volume is null)
        {
            return [];
        }

        foreach (var slice in ordered)
        {
            // The stored header must hold every element of the original before anything may replace it.
            await headers.EnsureCompleteAsync(slice.Member.InstanceId, series.SeriesInstanceUid, slice.File, cancellationToken).ConfigureAwait(false);
        }

        var uids = ordered.Select(slice => slice.Member.SopInstanceUid).ToList();
        var clock = Stopwatch.StartNew();
        var encoding = engine.Encode(action.VolumeModelId!, volume, uids, cancellationToken);
        var encodeSeconds = clock.Elapsed.TotalSeconds;
        var pixelBytes = (long)volume.Values.Length * ((volume.BitsAllocated + 7) / 8);
        if (!action.Target.AllowsRatio(pixelBytes, encoding.Container.Length))
        {
            Log.RatioCapped(logger, series.SeriesInstanceUid, (double)pixelBytes / encoding.Container.Length, action.Target.MaxRatio ?? 0);
            return [];
        }

        var key = NewKey(series.SeriesInstanceUid);
        var stored = await objects.PutVerifiedAsync(key, encoding.Container, cancellationToken).ConfigureAwait(false);
        var recorded = false;
        try
        {
            var readBack = await ReadVerifiedAsync(stored, cancellationToken).ConfigureAwait(false);
            crashPoints.Reached(CrashPoint.CandidateWritten);
            clock.Restart();
            var decoded = engine.DecodeSlices(readBack, uids, 0, uids.Count, cancellationToken);
            var decodeSeconds = clock.Elapsed.TotalSeconds;
            var passing = Gate(series, volume, decoded, ordered, action.Target);
            Log.Encoded(logger, series.SeriesInstanceUid, encoding.Model.Id, uids.Count, stored.Size, pixelBytes, encodeSeconds, decodeSeconds, passing.Count);
            if (passing.Count * 2 < ordered.Count)
            {
                Log.TooFewPassed(logger, series.SeriesInstanceUid, passing.Count, ordered.Count, action.Target);
                return [];
            }

            var record = new SeriesLatentRecord(series.SeriesId, stored, encoding.Model, volume.Rows, volume.Columns, uids, passing, action.Target);
            recorded = await index.RecordAsync(record, options.Retention, CancellationToken.None).ConfigureAwait(false);
            if (!recorded)
            {
                throw new InvalidOperationException($"Instances of series {series.SeriesInstanceUid} changed while its series latent was made; it is made again.");
            }

            crashPoints.Reached(CrashPoint.ChoiceRecorded);
            return [.. passing.Select(slice => slice.InstanceId)];
        }
        finally
        {
            if (!recorded)
            {
                await objects.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The slices whose decode meets the target, each on its own range (as the 2D gate measures a frame).</summary>
    private List<SeriesLatentSlice> Gate(SeriesMembers series, PixelFrames volume, PixelFrames decoded, List<Slice> ordered, QualityTarget target)
    {
        var judge = new CandidateJudge(qualityMeter, target);
        var passing = new List<SeriesLatentSlice>();
        for (var s = 0; s < ordered.Count; s++)
        {
            var (meets, quality) = judge.Judge(SliceOf(volume, s), SliceOf(decoded, s));
            Log.SliceMeasured(logger, series.SeriesInstanceUid, s, ordered[s].Member.SopInstanceUid, quality.Psnr, meets);
            if (meets)
            {
                passing.Add(new SeriesLatentSlice(ordered[s].Member.InstanceId, ordered[s].Member.Original!.Key, s, quality));
            }
        }

        return passing;
    }

    /// <summary>The stored values of the slices, in order, as one volume; null (logged) when a slice's pixels cannot be read as stored values.</summary>
    private PixelFrames? ReadVolume(List<Slice> ordered)
    {
        int[] values = [];
        PixelFrames? first = null;
        for (var s = 0; s < ordered.Count; s++)
        {
            var frame = PixelFramesReader.Read(ordered[s].File.Dataset, ordered[s].PixelData, _codecs, out var unsupported);
            if (frame is null || frame.Frames != 1 || (first is not null && (frame.Rows, frame.Columns, frame.BitsAllocated, frame.BitsStored, frame.Signed) != (first.Rows, first.Columns, first.BitsAllocated, first.BitsStored, first.Signed)))
            {
                Log.NotAVolume(logger, ordered[s].Member.SopInstanceUid, unsupported ?? "its pixels differ from the first slice's");
                return null;
            }

            if (first is null)
            {
                first = frame;
                values = new int[checked(frame.FrameLength * ordered.Count)];
            }

            frame.Values.CopyTo(values, s * frame.FrameLength);
        }

        return first! with { Frames = ordered.Count, Values = values };
    }

    private static PixelFrames SliceOf(PixelFrames volume, int slice) =>
        volume with { Frames = 1, Values = volume.Frame(slice).ToArray() };

    /// <summary>A pending instance's original, read whole and checked, with what its rule and the assembly need.</summary>
    private async Task<Slice> ReadAsync(SeriesMembers series, SeriesMember member, CancellationToken cancellationToken)
    {
        var bytes = await ReadVerifiedAsync(new StoredObject(member.Original!.Key, member.Original.Size, member.Original.Sha256), cancellationToken).ConfigureAwait(false);
        var file = DicomFile.Read(new MemoryStream(bytes, writable: false));
        var pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
        var subject = new CompressionSubject(
            series.Modality ?? file.Dataset.GetString(DicomTags.Modality),
            member.SopClassUid,
            member.CallingAE,
            series.BodyPartExamined ?? file.Dataset.GetString(DicomTags.BodyPartExamined),
            pixelData.Info.PhotometricInterpretation,
            pixelData.Info.Rows,
            pixelData.Info.Columns);
        return new Slice(member, file, pixelData, subject, SliceGeometry.From(file.Dataset));
    }

    /// <summary>Reads an object whole and checks its size and SHA-256 (corrupt: fails the job for good).</summary>
    private async Task<byte[]> ReadVerifiedAsync(StoredObject expected, CancellationToken cancellationToken)
    {
        var (bytes, sha256) = await objects.ReadWholeAsync(expected.Key, expected.Size, cancellationToken).ConfigureAwait(false);
        if (sha256 != expected.Sha256 || bytes.Length != expected.Size)
        {
            Log.Corrupt(logger, expected.Key, expected.Size, expected.Sha256, bytes.Length, sha256);
            throw new PermanentJobFailureException(
                $"Object {expected.Key} is corrupt: expected {expected.Size} bytes with SHA-256 {expected.Sha256}, the store holds {bytes.Length} bytes with SHA-256 {sha256}.");
        }

        return bytes;
    }

    /// <summary>A fresh key per object, so no run ever overwrites an object another may have recorded.</summary>
    private static string NewKey(string seriesInstanceUid)
    {
        var safe = new string(seriesInstanceUid.Select(character => char.IsAsciiDigit(character) || character == '.' ? character : '_').ToArray());
        return $"{safe}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.latent3d";
    }

    private sealed record Slice(SeriesMember Member, DicomFile File, DicomPixelData PixelData, CompressionSubject Subject, SliceGeometry Geometry);

    private static partial class Log
    {
        [LoggerMessage(EventId = 7840, Level = LogLevel.Information, Message = "Series {SeriesInstanceUid}: {Serving} slices serve from its series latent, {TwoDimensional} instances take the per-instance path")]
        public static partial void Decided(ILogger logger, string seriesInstanceUid, int serving, int twoDimensional);

        [LoggerMessage(EventId = 7841, Level = LogLevel.Information, Message = "Series {SeriesInstanceUid} has a series latent already: {Count} late instances take the per-instance path")]
        public static partial void Late(ILogger logger, string seriesInstanceUid, int count);

        [LoggerMessage(EventId = 7842, Level = LogLevel.Information, Message = "Series {SeriesInstanceUid}: {SopInstanceUid} is not part of the volume ({Reason}: {Detail})")]
        public static partial void Excluded(ILogger logger, string seriesInstanceUid, string sopInstanceUid, VolumeExclusion reason, string detail);

        [LoggerMessage(EventId = 7843, Level = LogLevel.Warning, Message = "Series {SeriesInstanceUid}: 3D model {ModelId} is not available; the series takes the per-instance path")]
        public static partial void ModelUnavailable(ILogger logger, string seriesInstanceUid, string modelId);

        [LoggerMessage(EventId = 7844, Level = LogLevel.Information, Message = "Series {SeriesInstanceUid}: a series latent would be {Ratio:F1}:1, above the cap {Cap}:1; the series takes the per-instance path")]
        public static partial void RatioCapped(ILogger logger, string seriesInstanceUid, double ratio, double cap);

        [LoggerMessage(EventId = 7845, Level = LogLevel.Debug, Message = "Series {SeriesInstanceUid} slice {Slice} ({SopInstanceUid}): PSNR {Psnr:F2} dB, meets the target: {Meets}")]
        public static partial void SliceMeasured(ILogger logger, string seriesInstanceUid, int slice, string sopInstanceUid, double psnr, bool meets);

        [LoggerMessage(EventId = 7846, Level = LogLevel.Information, Message = "Series {SeriesInstanceUid}: {ModelId} latent of {Slices} slices, {Bytes} bytes for {PixelBytes} pixel bytes, encoded in {EncodeSeconds:F1} s, stored bytes decoded in {DecodeSeconds:F1} s; {Passing} slices meet the target")]
        public static partial void Encoded(ILogger logger, string seriesInstanceUid, string modelId, int slices, long bytes, long pixelBytes, double encodeSeconds, double decodeSeconds, int passing);

        [LoggerMessage(EventId = 7847, Level = LogLevel.Information, Message = "Series {SeriesInstanceUid}: only {Passing} of {Slices} slices meet {Target}; no series latent is kept")]
        public static partial void TooFewPassed(ILogger logger, string seriesInstanceUid, int passing, int slices, QualityTarget target);

        [LoggerMessage(EventId = 7848, Level = LogLevel.Information, Message = "{SopInstanceUid} cannot be a slice of a series latent ({Reason}); its series takes the per-instance path")]
        public static partial void NotAVolume(ILogger logger, string sopInstanceUid, string reason);

        [LoggerMessage(EventId = 7851, Level = LogLevel.Debug, Message = "Series {SeriesId}: another worker runs its series job; this one looks again later")]
        public static partial void Busy(ILogger logger, long seriesId);

        [LoggerMessage(EventId = 7849, Level = LogLevel.Error, Message = "SERIES JOB REFUSED: object {Key}: expected {ExpectedSize} bytes sha256 {ExpectedSha256}, store has {ActualSize} bytes sha256 {ActualSha256}")]
        public static partial void Corrupt(ILogger logger, string key, long expectedSize, string expectedSha256, long actualSize, string actualSha256);
    }
}
