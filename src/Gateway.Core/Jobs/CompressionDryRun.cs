using Gateway.Core.Archive;
using Gateway.Core.Compression;
using Gateway.Core.Headers;
using Gateway.Core.Jobs.Progress;
using Gateway.Core.Storage;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Microsoft.Extensions.Logging;

namespace Gateway.Core.Jobs;

/// <summary>
/// The models page's dry run: over a sample of compressed instances whose original or lossless copy is still kept,
/// what the compress job's planner (<see cref="RepresentationPlanner"/>, the compress job's own choice) would store
/// with the current policy, or with one model promoted for every rule: the representation, its bytes and its quality.
/// Reads the stored pixels (checksum-verified) and the stored header; writes nothing, neither rows nor objects.
/// </summary>
public sealed partial class CompressionDryRun(
    ICompressionIndex index,
    IObjectStore objects,
    InstanceHeaders headers,
    CompressionOptions options,
    IModelPromotions promotions,
    ILatentEngine engine,
    IQualityMeter qualityMeter,
    ILogger<CompressionDryRun> logger)
{
    /// <summary>The sampled instances, for <see cref="EvaluateAsync"/>.</summary>
    public Task<IReadOnlyList<long>> SampleAsync(int sample, CancellationToken cancellationToken) => index.SampleRetainedAsync(sample, cancellationToken);

    /// <summary>
    /// Evaluates <paramref name="instances"/> with <paramref name="modelId"/> for every rule (null: the policy in force,
    /// promotions included), advancing <paramref name="progress"/> after each.
    /// </summary>
    public async Task<IReadOnlyList<DryRunInstance>> EvaluateAsync(string? modelId, IReadOnlyList<long> instances, ProgressTracker progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instances);
        ArgumentNullException.ThrowIfNull(progress);
        var promoted = await promotions.ListAsync(cancellationToken).ConfigureAwait(false);
        var rules = new CompressionPolicy(options).Rules.Count;
        var policy = modelId is null
            ? new CompressionPolicy(options, promoted)
            : new CompressionPolicy(options, [.. Enumerable.Range(0, rules).Select(rule => new ModelPromotion(rule, modelId, "dry run", DateTimeOffset.UtcNow))]);
        var planner = new RepresentationPlanner(engine, qualityMeter, logger);
        var results = new List<DryRunInstance>(instances.Count);
        foreach (var instanceId in instances)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = await EvaluateOneAsync(instanceId, policy, planner, cancellationToken).ConfigureAwait(false);
            progress.Advance();
            if (result is not null)
            {
                results.Add(result);
                Log.Evaluated(logger, result.SopInstanceUid, result.Projected, progress);
            }
        }

        return results;
    }

    private async Task<DryRunInstance?> EvaluateOneAsync(long instanceId, CompressionPolicy policy, RepresentationPlanner planner, CancellationToken cancellationToken)
    {
        var candidate = await index.LoadAsync(instanceId, cancellationToken).ConfigureAwait(false);
        var source = candidate?.Objects.FirstOrDefault(o => o.Kind == StorageKind.Original) ?? candidate?.Objects.FirstOrDefault(o => o.Kind == StorageKind.Lossless);
        if (candidate is null || source is null)
        {
            return null;
        }

        var (bytes, sha256) = await objects.ReadWholeAsync(source.Key, source.Size, cancellationToken).ConfigureAwait(false);
        if (sha256 != source.Sha256)
        {
            Log.Corrupt(logger, candidate.SopInstanceUid, source.Key);
            return null;
        }

        var header = await headers.ReadDeltaAsync(instanceId, "instance " + candidate.SopInstanceUid, cancellationToken).ConfigureAwait(false);
        var file = source.Kind == StorageKind.Original ? DicomFile.Read(new MemoryStream(bytes, writable: false)) : HeaderFreeFile.Served(bytes, header);
        if (!DicomPixelData.HasPixelData(file.Dataset))
        {
            return null;
        }

        var pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
        var subject = CompressionSubjects.Of(candidate, file.Dataset, pixelData);
        var action = policy.Choose(subject);
        action = action.Kind == CompressionActionKind.Latent3D ? action.TwoDimensional : action;
        var current = candidate.Objects.Where(o => o.Kind != StorageKind.Original).Sum(o => o.Size);
        var pixelBytes = (long)pixelData.Info.NativeFrameLength * pixelData.NumberOfFrames;
        if (action.Kind == CompressionActionKind.KeepOriginal)
        {
            return new DryRunInstance(candidate.SopInstanceUid, subject.Modality ?? "(none)", candidate.Compression ?? "-", current, "kept", source.Size, pixelBytes, null, null);
        }

        var plan = planner.Plan(candidate.SopInstanceUid, file, pixelData, action, header, cancellationToken);
        var chosen = plan.Choice.Trials.LastOrDefault(trial => trial.Representation == plan.Choice.Name && trial.Qualifies);
        var (projected, projectedBytes) = plan.Choice.Representation != Representation.Lossless
            ? (plan.Choice.Name, chosen!.AllInBytes)
            : plan.LosslessStored is { } stored && plan.Lossless!.File.Length < source.Size
                ? (RepresentationNames.Lossless, stored.Length + (action.KeepLatent && plan.Encoding is not null ? plan.Encoding.AiContainer.Length : 0))
                : ("kept", source.Size);
        return new DryRunInstance(
            candidate.SopInstanceUid, subject.Modality ?? "(none)", candidate.Compression ?? "-", current, projected, projectedBytes, pixelBytes, chosen?.Psnr, action.ModelId);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7990, Level = LogLevel.Information, Message = "Dry run: {SopInstanceUid} would be stored as {Representation} ({Progress})")]
        public static partial void Evaluated(ILogger logger, string sopInstanceUid, string representation, ProgressTracker progress);

        [LoggerMessage(EventId = 7991, Level = LogLevel.Warning, Message = "Dry run: the kept pixels of {SopInstanceUid} ({Key}) fail their checksum; left out")]
        public static partial void Corrupt(ILogger logger, string sopInstanceUid, string key);
    }
}

/// <summary>
/// What the dry run projects for one instance: its modality, what it is stored as now (all its objects but the
/// original, in bytes), what the planner would store (representation, bytes in all), its pixel bytes as received, the
/// PSNR of the chosen lossy representation (null for lossless or kept) and the model the rule would use.
/// </summary>
public sealed record DryRunInstance(
    string SopInstanceUid, string Modality, string Current, long CurrentBytes, string Projected, long ProjectedBytes, long PixelBytes, double? Psnr, string? Model);
