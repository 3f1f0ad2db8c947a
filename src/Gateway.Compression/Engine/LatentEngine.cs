using Gateway.Compression.Container;
using Gateway.Compression.Quality;
using Gateway.Core.Compression;

namespace Gateway.Compression.Engine;

/// <summary>
/// <see cref="ILatentEngine"/> over loaded models: normalises each frame, encodes it, quantizes the latent (8-bit per
/// channel when that keeps the decoded PSNR within <see cref="Int8PsnrTolerance"/> dB of fp16, else fp16) and writes
/// the container; decodes by the inverse steps, clipping to the frame's own range and to the stored range.
/// </summary>
public sealed class LatentEngine : ILatentEngine
{
    /// <summary>How much worst-frame PSNR (dB) the 8-bit quantization may cost against fp16 and still be chosen.</summary>
    public const double Int8PsnrTolerance = 0.1;

    private readonly Dictionary<string, IFrameAutoencoder> _models;

    /// <summary>Creates the engine over <paramref name="models"/> (ids must be unique).</summary>
    public LatentEngine(IEnumerable<IFrameAutoencoder> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        _models = new Dictionary<string, IFrameAutoencoder>(StringComparer.Ordinal);
        foreach (var model in models)
        {
            if (!_models.TryAdd(model.Info.Id, model))
            {
                throw new ArgumentException($"Model id {model.Info.Id} is registered twice.", nameof(models));
            }
        }

        Models = [.. _models.Values.Select(m => m.Info)];
    }

    /// <inheritdoc />
    public IReadOnlyList<LatentModelInfo> Models { get; }

    /// <inheritdoc />
    public LatentEncoding Encode(string modelId, PixelFrames pixels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Frames < 1 || pixels.Rows < 1 || pixels.Columns < 1 || pixels.Values.Length != (long)pixels.FrameLength * pixels.Frames)
        {
            throw new ArgumentException(
                $"{pixels.Values.Length} values are not {pixels.Frames} frames of {pixels.Rows}x{pixels.Columns}.", nameof(pixels));
        }

        var model = Find(modelId);
        var normalization = new FrameNormalization[pixels.Frames];
        LatentFrame? first = null;
        float[] latent = [];
        for (var f = 0; f < pixels.Frames; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            normalization[f] = FrameNormalizer.Measure(pixels.Frame(f));
            if (normalization[f].Min < pixels.StoredRange.Min || normalization[f].Max > pixels.StoredRange.Max)
            {
                throw new ArgumentException(
                    $"Frame {f} holds values in [{normalization[f].Min}, {normalization[f].Max}], outside the stored range [{pixels.StoredRange.Min}, {pixels.StoredRange.Max}].",
                    nameof(pixels));
            }

            var image = FrameNormalizer.Normalize(pixels.Frame(f), normalization[f]);
            var frame = model.Encode(image, pixels.Rows, pixels.Columns, cancellationToken);
            first ??= frame;
            if ((frame.Channels, frame.Height, frame.Width) != (first.Channels, first.Height, first.Width)
                || frame.Values.Length != frame.Channels * frame.Height * frame.Width)
            {
                throw new InvalidOperationException(
                    $"Model {modelId} gave frame {f} a {frame.Channels}x{frame.Height}x{frame.Width} latent of {frame.Values.Length} values; frame 0 had {first.Channels}x{first.Height}x{first.Width}.");
            }

            if (f == 0)
            {
                latent = new float[pixels.Frames * frame.Values.Length];
            }

            frame.Values.CopyTo(latent, f * frame.Values.Length);
        }

        var container = new LatentContainer(
            model.Info.Id, model.Info.Sha256, pixels.Rows, pixels.Columns, pixels.Frames, pixels.BitsAllocated, pixels.BitsStored,
            pixels.Signed, PhotometricInterpretation: string.Empty, normalization, Tiling: null,
            [pixels.Frames, first!.Channels, first.Height, first.Width], latent);

        var fp16 = LatentContainerFormat.Write(container, LatentQuantization.Fp16);
        var int8 = LatentContainerFormat.Write(container, LatentQuantization.Int8);
        // Each container is decoded once, from its own bytes; the chosen one's decode goes back with it (issue 11 item 6).
        var fp16Pixels = Decode(model, LatentContainerFormat.Read(fp16), cancellationToken);
        var int8Pixels = Decode(model, LatentContainerFormat.Read(int8), cancellationToken);
        return QualityMetrics.WorstPsnr(pixels, int8Pixels) >= QualityMetrics.WorstPsnr(pixels, fp16Pixels) - Int8PsnrTolerance
            ? new LatentEncoding(int8, model.Info.Id, LatentQuantization.Int8.Name(), int8Pixels, int8)
            : new LatentEncoding(fp16, model.Info.Id, LatentQuantization.Fp16.Name(), fp16Pixels, int8);
    }

    /// <inheritdoc />
    public PixelFrames Decode(ReadOnlySpan<byte> container, CancellationToken cancellationToken)
    {
        var record = LatentContainerFormat.Read(container);
        var model = Find(record.ModelId);
        if (!string.Equals(model.Info.Sha256, record.ModelSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new LatentModelUnavailableException(
                record.ModelId,
                $"The latent was made by model {record.ModelId} with sha256 {record.ModelSha256}; the registered model of that id has {model.Info.Sha256}.");
        }

        return Decode(model, record, cancellationToken);
    }

    /// <inheritdoc />
    public LatentArray ReadLatent(ReadOnlySpan<byte> container)
    {
        var record = LatentContainerFormat.Read(container);
        return new LatentArray(record.ModelId, record.LatentShape, record.Latent);
    }

    private static PixelFrames Decode(IFrameAutoencoder model, LatentContainer record, CancellationToken cancellationToken)
    {
        var pixels = new PixelFrames(
            record.Rows, record.Columns, record.Frames, record.BitsAllocated, record.BitsStored, record.Signed,
            new int[checked(record.Rows * record.Columns * record.Frames)]);
        var (channels, height, width) = (record.LatentShape[1], record.LatentShape[2], record.LatentShape[3]);
        var frameLatent = channels * height * width;
        for (var f = 0; f < record.Frames; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var latent = new LatentFrame(channels, height, width, record.Latent.AsSpan(f * frameLatent, frameLatent).ToArray());
            var image = model.Decode(latent, record.Rows, record.Columns, cancellationToken);
            if (image.Length != pixels.FrameLength)
            {
                throw new InvalidOperationException($"Model {model.Info.Id} decoded {image.Length} values for a {record.Rows}x{record.Columns} frame.");
            }

            FrameNormalizer.Denormalize(image, record.Normalization[f], pixels.StoredRange, pixels.Values.AsSpan(f * pixels.FrameLength, pixels.FrameLength));
        }

        return pixels;
    }

    private IFrameAutoencoder Find(string modelId) =>
        _models.TryGetValue(modelId, out var model)
            ? model
            : throw new LatentModelUnavailableException(
                modelId, $"No latent model \"{modelId}\" is registered (registered: {string.Join(", ", _models.Keys.Order(StringComparer.Ordinal))}).");
}
