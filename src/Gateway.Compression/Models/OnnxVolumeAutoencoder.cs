using Gateway.Compression.Engine;
using Gateway.Compression.Onnx;
using Gateway.Core.Compression;

namespace Gateway.Compression.Models;

/// <summary>
/// A 3D model served by ONNX Runtime: one session for encoder.onnx and one for decoder.onnx (inputs N x 1 x D x H x W
/// and N x C x D/s x H/s x W/s), created once and shared by every caller. A volume is padded on every axis by edge
/// replication to a multiple of the scale and cropped back; a volume larger than <see cref="TileSize"/> on an axis is
/// run in 3D tiles whose overlap (model.json "tiling", the same on every axis: the kernels are cubes) makes the
/// stitched result equal the whole-volume result.
/// </summary>
public sealed class OnnxVolumeAutoencoder : IVolumeAutoencoder, IDisposable
{
    private readonly OnnxSession encoder;
    private readonly OnnxSession decoder;
    private readonly ModelTiling tiling;

    /// <param name="tileSize">Largest extent run at once on an axis, in voxels; rounded down to a multiple of the tile origin step.</param>
    public OnnxVolumeAutoencoder(ModelFolder folder, OnnxRuntime runtime, int tileSize)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(runtime);
        var manifest = folder.Manifest;
        if (manifest.Dimensions != 3)
        {
            throw new ArgumentException($"Model {manifest.Id} is a {manifest.Dimensions}D model; a volume autoencoder runs 3D models only.", nameof(folder));
        }

        tiling = manifest.Tiling;
        ScalePerSide = manifest.ScalePerSide;
        TileSize = ModelSessions.TileSize(tiling, tileSize);
        Info = ModelSessions.InfoOf(folder);
        (encoder, decoder) = ModelSessions.Open(folder, runtime);
    }

    public LatentModelInfo Info { get; }

    public int ScalePerSide { get; }

    /// <summary>The core extent of a tile in voxels: volumes up to this on every axis run whole.</summary>
    public int TileSize { get; }

    public int EncoderOverlapVoxels => tiling.EncoderOverlapPixels;

    public LatentVolume Encode(ReadOnlySpan<float> volume, VolumeSize size, CancellationToken cancellationToken)
    {
        if (size.Depth < 1 || size.Height < 1 || size.Width < 1 || volume.Length != size.Voxels)
        {
            throw new ArgumentException($"A {size} volume needs {(long)size.Depth * size.Height * size.Width} values, not {volume.Length}.", nameof(volume));
        }

        var s = ScalePerSide;
        var padded = size.RoundUp(s);
        var image = VolumeTile.EdgePad(volume, size, padded);
        var channels = Info.LatentChannels;
        var latentSize = new VolumeSize(padded.Depth / s, padded.Height / s, padded.Width / s);
        var latent = new float[channels * latentSize.Voxels];
        TileSpan[] Axis(int length) => TileSpan.Split(length, TileSize, tiling.EncoderOverlapPixels, tiling.TileOriginMultipleOf, s);
        foreach (var tile in VolumeTile.Grid(Axis(padded.Depth), Axis(padded.Height), Axis(padded.Width)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var input = tile.InputSize;
            var output = encoder.Run(tile.Crop(image, 1, padded), [1, 1, input.Depth, input.Height, input.Width]);
            var outputSize = new VolumeSize(input.Depth / s, input.Height / s, input.Width / s);
            ExpectShape(output, channels, outputSize, "encoder");
            VolumeTile.Paste(
                output.Values, channels, outputSize, (tile.Depth.InputStart / s, tile.Height.InputStart / s, tile.Width.InputStart / s),
                latent, latentSize, (Core(tile.Depth, s, 1, int.MaxValue), Core(tile.Height, s, 1, int.MaxValue), Core(tile.Width, s, 1, int.MaxValue)));
        }

        return new LatentVolume(channels, latentSize, latent);
    }

    public float[] Decode(LatentVolume latent, VolumeSize size, CancellationToken cancellationToken)
    {
        ExpectFits(latent, size);
        var s = ScalePerSide;

        var volume = new float[size.Voxels];
        var originStep = tiling.TileOriginMultipleOf / s;
        TileSpan[] Axis(int length) => TileSpan.Split(length, TileSize / s, tiling.DecoderOverlapLatent, originStep, 1);
        foreach (var tile in VolumeTile.Grid(Axis(latent.Size.Depth), Axis(latent.Size.Height), Axis(latent.Size.Width)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var input = tile.InputSize;
            var output = decoder.Run(tile.Crop(latent.Values, latent.Channels, latent.Size), [1, latent.Channels, input.Depth, input.Height, input.Width]);
            var outputSize = input.Times(s);
            ExpectShape(output, 1, outputSize, "decoder");
            VolumeTile.Paste(
                output.Values, 1, outputSize, (tile.Depth.InputStart * s, tile.Height.InputStart * s, tile.Width.InputStart * s),
                volume, size, (Core(tile.Depth, 1, s, size.Depth), Core(tile.Height, 1, s, size.Height), Core(tile.Width, 1, s, size.Width)));
        }

        return volume;
    }

    public float[] DecodeSlices(LatentVolume latent, VolumeSize size, int first, int count, CancellationToken cancellationToken)
    {
        ExpectFits(latent, size);
        if (first < 0 || count < 1 || first + count > size.Depth)
        {
            throw new ArgumentOutOfRangeException(nameof(first), $"Slices {first} to {first + count - 1} are not within the {size.Depth} slices of the volume.");
        }

        // The latent slices the wanted ones lie in, and the decoder's overlap on either side: the cut ends are as far
        // from every wanted slice as a tile's overlap, so what the sub-latent decodes to there is the whole decode.
        var s = ScalePerSide;
        var start = Math.Max(0, (first / s) - tiling.DecoderOverlapLatent);
        var end = Math.Min(latent.Size.Depth, ((first + count + s - 1) / s) + tiling.DecoderOverlapLatent);
        var plane = latent.Size.Height * latent.Size.Width;
        var sub = new float[latent.Channels * (end - start) * plane];
        for (var c = 0; c < latent.Channels; c++)
        {
            latent.Values.AsSpan(((c * latent.Size.Depth) + start) * plane, (end - start) * plane).CopyTo(sub.AsSpan(c * (end - start) * plane));
        }

        var subSize = new VolumeSize(Math.Min((end - start) * s, size.Depth - (start * s)), size.Height, size.Width);
        var decoded = Decode(new LatentVolume(latent.Channels, latent.Size with { Depth = end - start }, sub), subSize, cancellationToken);
        var slice = size.Height * size.Width;
        return decoded.AsSpan((first - (start * s)) * slice, count * slice).ToArray();
    }

    public void Dispose()
    {
        encoder.Dispose();
        decoder.Dispose();
    }

    /// <summary>A span's core in target units: its ends divided by <paramref name="divide"/>, times <paramref name="multiply"/>, cut at <paramref name="limit"/>.</summary>
    private static (int Start, int End) Core(TileSpan span, int divide, int multiply, int limit) =>
        (span.CoreStart / divide * multiply, Math.Min(limit, span.CoreEnd / divide * multiply));

    private void ExpectFits(LatentVolume latent, VolumeSize size)
    {
        ArgumentNullException.ThrowIfNull(latent);
        if (latent.Channels != Info.LatentChannels || latent.Size != size.DivideRoundingUp(ScalePerSide) || latent.Values.Length != latent.Channels * latent.Size.Voxels)
        {
            throw new ArgumentException(
                $"A {latent.Channels} x {latent.Size} latent ({latent.Values.Length} values) does not fit a {size} volume of model {Info.Id} (C={Info.LatentChannels}, scale {ScalePerSide}).",
                nameof(latent));
        }
    }

    private void ExpectShape(OnnxTensor output, int channels, VolumeSize size, string part)
    {
        long[] expected = [1, channels, size.Depth, size.Height, size.Width];
        if (!output.Shape.AsSpan().SequenceEqual(expected))
        {
            throw new OnnxRuntimeException($"Model {Info.Id}: the {part} returned shape [{string.Join(", ", output.Shape)}], expected [{string.Join(", ", expected)}].");
        }
    }
}
