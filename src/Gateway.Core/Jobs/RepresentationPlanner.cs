using Gateway.Core.Compression;
using Gateway.Core.Compression.Representations;
using Gateway.Core.Headers;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Microsoft.Extensions.Logging;

namespace Gateway.Core.Jobs;

/// <summary>
/// What the compress job would store for an instance, worked out in memory: the lossless copy (and its stored form),
/// the frames and the latent encoding where the rule needs them, and the <see cref="RepresentationChooser"/>'s choice.
/// Writes nothing: the compress job stores the plan (write, read back, verify, decode), the models page's dry run
/// only counts it.
/// </summary>
public sealed partial class RepresentationPlanner(ILatentEngine engine, IQualityMeter? qualityMeter, ILogger logger)
{
    private readonly DicomCodecRegistry _codecs = DicomCodecRegistry.Default;

    /// <param name="sopInstanceUid">For the log.</param>
    /// <param name="file">The original (or a file that decodes to its pixels).</param>
    /// <param name="header">The instance's stored header (lossless and j2k-lossy objects are stored without it).</param>
    public RepresentationPlan Plan(string sopInstanceUid, DicomFile file, DicomPixelData pixelData, CompressionAction action, DicomDataset? header, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(pixelData);
        ArgumentNullException.ThrowIfNull(action);
        var lossless = new LosslessEncoder(_codecs).Encode(file, out var losslessFailure);
        var losslessStored = lossless is null ? null : HeaderFreeFile.StoredForm(lossless.File, header);
        var reason = action.Kind == CompressionActionKind.Latent ? "no_lossy_qualifies" : "policy";
        PixelFrames? frames = null;
        if (action.Kind == CompressionActionKind.Latent || action.KeepLatent)
        {
            frames = PixelFramesReader.Read(file.Dataset, pixelData, _codecs, out var unsupported);
            if (frames is null)
            {
                Log.NotLatent(logger, sopInstanceUid, unsupported!);
                reason = action.Kind == CompressionActionKind.Latent ? "unsupported_pixels" : reason;
            }
        }

        var usable = frames is not null && action.NeedsModel ? UsableEngine(sopInstanceUid, action) : null;
        if (frames is not null && action.NeedsModel && usable is null && action.Kind == CompressionActionKind.Latent && !action.Representations.Contains(Representation.J2kLossy))
        {
            reason = "model_unavailable";
        }

        if (frames is not null && action.Kind == CompressionActionKind.Latent && qualityMeter is null)
        {
            Log.ModelUnavailable(logger, sopInstanceUid, action.ModelId ?? "-");
            frames = null;
            reason = "model_unavailable";
        }

        var encoding = usable?.Encode(action.ModelId!, frames!, cancellationToken);
        var pixelBytes = lossless?.PixelBytes ?? (long)pixelData.Info.NativeFrameLength * pixelData.NumberOfFrames;
        RepresentationChoice choice = new(Representation.Lossless, [new CandidateTrial(RepresentationNames.Lossless, pixelBytes, null, null, 0, true)]);
        if (frames is not null && action.Kind == CompressionActionKind.Latent)
        {
            // Compare what each representation costs in all: the header is in the header store for every one of
            // them; a Part 10 object (lossless, j2k-lossy) adds its few non-pixel elements and, where the rule keeps
            // latents, the AI latent beside it.
            var headers = new StorageOverhead(
                losslessStored is null ? 0 : losslessStored.Length - lossless!.PixelBytes,
                action.KeepLatent && encoding is not null ? encoding.AiContainer.Length : 0);
            choice = new RepresentationChooser(_codecs, qualityMeter!).Choose(action, frames, pixelData, pixelBytes, encoding, headers);
            Log.Chosen(logger, sopInstanceUid, choice.Name, action.Target, choice);
        }

        return new RepresentationPlan(lossless, losslessStored, losslessFailure, frames, encoding, choice, reason);
    }

    /// <summary>The engine when it serves the rule's model and the quality measure exists; null (logged) otherwise.</summary>
    private ILatentEngine? UsableEngine(string sopInstanceUid, CompressionAction action)
    {
        // The engine loads on first use: only here, when the rule needs a model (loading it is costly); without models it has none.
        if (qualityMeter is null || !engine.Models.Any(model => model.Id == action.ModelId))
        {
            Log.ModelUnavailable(logger, sopInstanceUid, action.ModelId ?? "-");
            return null;
        }

        return engine;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2504, Level = LogLevel.Warning, Message = "Model {ModelId} (or the quality measure) is not available to compress {SopInstanceUid}: no latent representation")]
        public static partial void ModelUnavailable(ILogger logger, string sopInstanceUid, string modelId);

        [LoggerMessage(EventId = 2505, Level = LogLevel.Information, Message = "{SopInstanceUid} cannot be stored lossy ({Reason}): storing it lossless")]
        public static partial void NotLatent(ILogger logger, string sopInstanceUid, string reason);

        [LoggerMessage(EventId = 2510, Level = LogLevel.Information, Message = "{SopInstanceUid}: chose {Representation} for target {Target}; tried {Trials}")]
        public static partial void Chosen(ILogger logger, string sopInstanceUid, string representation, QualityTarget target, RepresentationChoice trials);
    }
}

/// <summary>
/// What <see cref="RepresentationPlanner"/> worked out: the lossless copy, its stored form (header-free) or why there is
/// none, the frames and latent encoding (null where the rule needs none or none could be made), the choice, and the
/// reason a lossless outcome would record.
/// </summary>
public sealed record RepresentationPlan(
    LosslessCopy? Lossless,
    byte[]? LosslessStored,
    string? LosslessFailure,
    PixelFrames? Frames,
    LatentEncoding? Encoding,
    RepresentationChoice Choice,
    string Reason);
