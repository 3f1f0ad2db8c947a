using Gateway.Compression.Engine;
using Gateway.Compression.Onnx;
using Gateway.Core.Compression;

namespace Gateway.Compression.Models;

/// <summary>
/// A model served by ONNX Runtime: one session for encoder.onnx and one for decoder.onnx, created once and shared by
/// every caller. Frames are padded by edge replication to a multiple of the scale and cropped back; a frame larger than
/// <see cref="TileSize"/> on a side is run in tiles whose overlap (model.json "tiling") makes the stitched result equal
/// the whole-frame result.
/// </summary>
public sealed class OnnxFrameAutoencoder : IFrameAutoencoder, IDisposable
{
    private readonly OnnxSession encoder;
    private readonly OnnxSession decoder;
    private readonly ModelTiling tiling;

    /// <param name="tileSize">Largest side run at once, in pixels; rounded down to a multiple of the tile origin step.</param>
    public OnnxFrameAutoencoder(ModelFolder folder, OnnxRuntime runtime, int tileSize)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(runtime);
        var manifest = folder.Manifest;
        tiling = manifest.Tiling;
        ScalePerSide = manifest.ScalePerSide;
        TileSize = ModelSessions.TileSize(tiling, tileSize);
        Info = ModelSessions.InfoOf(folder);
        (encoder, decoder) = ModelSessions.Open(folder, runtime);
    }

    public LatentModelInfo Info { get; }

    public int ScalePerSide { get; }

    /// <summary>The core size of a tile in pixels: frames up to this on both sides run whole.</summary>
    public int TileSize { get; }

    public LatentFrame Encode(ReadOnlySpan<float> image, int height, int width, CancellationToken cancellationToken)
    {
        CheckGeometry(image.Length, height, width);
        var s = ScalePerSide;
        var paddedHeight = RoundUp(height, s);
        var paddedWidth = RoundUp(width, s);
        var padded = EdgePad(image, height, width, paddedHeight, paddedWidth);
        var channels = Info.LatentChannels;
        var latentHeight = paddedHeight / s;
        var latentWidth = paddedWidth / s;
        var latent = new float[channels * latentHeight * latentWidth];
        var rows = TileSpan.Split(paddedHeight, TileSize, tiling.EncoderOverlapPixels, tiling.TileOriginMultipleOf, s);
        var columns = TileSpan.Split(paddedWidth, TileSize, tiling.EncoderOverlapPixels, tiling.TileOriginMultipleOf, s);
        foreach (var row in rows)
        {
            foreach (var column in columns)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var input = Crop(padded, 1, paddedHeight, paddedWidth, row, column);
                var output = encoder.Run(input, [1, 1, row.InputLength, column.InputLength]);
                ExpectShape(output, channels, row.InputLength / s, column.InputLength / s, "encoder");
                Paste(
                    output.Values, channels, row.InputLength / s, column.InputLength / s, (row.InputStart / s, column.InputStart / s),
                    latent, latentHeight, latentWidth, (row.CoreStart / s, row.CoreEnd / s), (column.CoreStart / s, column.CoreEnd / s));
            }
        }

        return new LatentFrame(channels, latentHeight, latentWidth, latent);
    }

    public float[] Decode(LatentFrame latent, int height, int width, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(latent);
        var s = ScalePerSide;
        if (latent.Channels != Info.LatentChannels || latent.Height != RoundUp(height, s) / s || latent.Width != RoundUp(width, s) / s
            || latent.Values.Length != latent.Channels * latent.Height * latent.Width)
        {
            throw new ArgumentException(
                $"A {latent.Channels} x {latent.Height} x {latent.Width} latent ({latent.Values.Length} values) does not fit a {height} x {width} frame of model {Info.Id} (C={Info.LatentChannels}, scale {s}).",
                nameof(latent));
        }

        var image = new float[height * width];
        var latentTile = TileSize / s;
        var originStep = tiling.TileOriginMultipleOf / s;
        var rows = TileSpan.Split(latent.Height, latentTile, tiling.DecoderOverlapLatent, originStep, 1);
        var columns = TileSpan.Split(latent.Width, latentTile, tiling.DecoderOverlapLatent, originStep, 1);
        foreach (var row in rows)
        {
            foreach (var column in columns)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var input = Crop(latent.Values, latent.Channels, latent.Height, latent.Width, row, column);
                var output = decoder.Run(input, [1, latent.Channels, row.InputLength, column.InputLength]);
                ExpectShape(output, 1, row.InputLength * s, column.InputLength * s, "decoder");
                Paste(
                    output.Values, 1, row.InputLength * s, column.InputLength * s, (row.InputStart * s, column.InputStart * s),
                    image, height, width, (row.CoreStart * s, Math.Min(height, row.CoreEnd * s)), (column.CoreStart * s, Math.Min(width, column.CoreEnd * s)));
            }
        }

        return image;
    }

    public void Dispose()
    {
        encoder.Dispose();
        decoder.Dispose();
    }

    private static int RoundUp(int value, int step) => (value + step - 1) / step * step;

    private static void CheckGeometry(int length, int height, int width)
    {
        if (height < 1 || width < 1 || length != height * width)
        {
            throw new ArgumentException($"A {height} x {width} frame needs {(long)height * width} values, not {length}.");
        }
    }

    /// <summary>The frame grown to <paramref name="paddedHeight"/> x <paramref name="paddedWidth"/> by repeating its last row and column.</summary>
    private static float[] EdgePad(ReadOnlySpan<float> image, int height, int width, int paddedHeight, int paddedWidth)
    {
        var padded = new float[paddedHeight * paddedWidth];
        for (var y = 0; y < paddedHeight; y++)
        {
            var source = image.Slice(Math.Min(y, height - 1) * width, width);
            var target = padded.AsSpan(y * paddedWidth, paddedWidth);
            source.CopyTo(target);
            target[width..].Fill(source[width - 1]);
        }

        return padded;
    }

    /// <summary>The input span of a tile (all channels) copied out of a channels x height x width array.</summary>
    private static float[] Crop(float[] source, int channels, int height, int width, TileSpan row, TileSpan column)
    {
        if (row.InputStart == 0 && row.InputEnd == height && column.InputStart == 0 && column.InputEnd == width)
        {
            return source;
        }

        var tile = new float[channels * row.InputLength * column.InputLength];
        for (var c = 0; c < channels; c++)
        {
            for (var y = 0; y < row.InputLength; y++)
            {
                source.AsSpan((((c * height) + row.InputStart + y) * width) + column.InputStart, column.InputLength)
                    .CopyTo(tile.AsSpan(((c * row.InputLength) + y) * column.InputLength, column.InputLength));
            }
        }

        return tile;
    }

    /// <summary>Copies the core rows [y0, y1) and columns [x0, x1) (target coordinates) of a tile's output into the target.</summary>
    private static void Paste(
        float[] tile, int channels, int tileHeight, int tileWidth, (int Y, int X) tileOrigin,
        float[] target, int height, int width, (int Start, int End) rows, (int Start, int End) columns)
    {
        var count = columns.End - columns.Start;
        for (var c = 0; c < channels; c++)
        {
            for (var y = rows.Start; y < rows.End; y++)
            {
                tile.AsSpan((((c * tileHeight) + y - tileOrigin.Y) * tileWidth) + columns.Start - tileOrigin.X, count)
                    .CopyTo(target.AsSpan((((c * height) + y) * width) + columns.Start, count));
            }
        }
    }

    private void ExpectShape(OnnxTensor output, int channels, int height, int width, string part)
    {
        long[] expected = [1, channels, height, width];
        if (!output.Shape.AsSpan().SequenceEqual(expected))
        {
            throw new OnnxRuntimeException($"Model {Info.Id}: the {part} returned shape [{string.Join(", ", output.Shape)}], expected [{string.Join(", ", expected)}].");
        }
    }
}
