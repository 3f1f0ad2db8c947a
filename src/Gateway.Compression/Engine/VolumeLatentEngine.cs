using Gateway.Compression.Container;
using Gateway.Compression.Models;
using Gateway.Core.Compression;

namespace Gateway.Compression.Engine;

/// <summary>
/// <see cref="IVolumeLatentEngine"/> over the registry's 3D models: normalises the volume by its own minimum and
/// maximum (as the models were trained), encodes it in exact 3D tiles, and writes a series latent container (version 2,
/// int8 per channel) with each slice's own range and the hash of the slice order; decodes the latent slices a range of
/// slices needs and maps back, clipped to each slice's range and to the stored range.
/// </summary>
public sealed class VolumeLatentEngine(ModelRegistry registry) : IVolumeLatentEngine
{
    /// <summary>Latent slices per retrieval slab (128 slices at f=64, 256 at f=512): a 512 x 512 slab of floats is 128 MB at f=64.</summary>
    public const int SlabLatentSlices = 32;

    public bool Knows(string modelId) => registry.VolumeModelIds.Contains(modelId, StringComparer.Ordinal);

    public VolumeLatentEncoding Encode(string modelId, PixelFrames volume, IReadOnlyList<string> sopInstanceUids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(sopInstanceUids);
        if (volume.Frames < 1 || volume.Values.Length != (long)volume.FrameLength * volume.Frames || sopInstanceUids.Count != volume.Frames)
        {
            throw new ArgumentException(
                $"{volume.Values.Length} values and {sopInstanceUids.Count} SOP Instance UIDs are not {volume.Frames} slices of {volume.Rows}x{volume.Columns}.", nameof(volume));
        }

        var model = Model(modelId);
        var ranges = new FrameNormalization[volume.Frames];
        for (var s = 0; s < volume.Frames; s++)
        {
            ranges[s] = FrameNormalizer.Measure(volume.Frame(s));
        }

        var whole = new FrameNormalization(ranges.Min(range => range.Min), ranges.Max(range => range.Max));
        if (whole.Min < volume.StoredRange.Min || whole.Max > volume.StoredRange.Max)
        {
            throw new ArgumentException(
                $"The volume holds values in [{whole.Min}, {whole.Max}], outside the stored range [{volume.StoredRange.Min}, {volume.StoredRange.Max}].", nameof(volume));
        }

        var size = new VolumeSize(volume.Frames, volume.Rows, volume.Columns);
        var latent = model.Encode(FrameNormalizer.Normalize(volume.Values, whole), size, cancellationToken);
        var tile = new TilingInfo(model.TileSize, model.EncoderOverlapVoxels);
        var container = new VolumeLatentContainer(
            model.Info.Id, model.Info.Sha256, volume.Frames, volume.Rows, volume.Columns, volume.BitsAllocated, volume.BitsStored, volume.Signed,
            whole, ranges, [tile, tile, tile], SliceOrder.Sha256(sopInstanceUids),
            [1, latent.Channels, latent.Size.Depth, latent.Size.Height, latent.Size.Width], latent.Values);
        return new VolumeLatentEncoding(VolumeContainerFormat.Write(container), model.Info);
    }

    public PixelFrames DecodeSlices(ReadOnlySpan<byte> container, IReadOnlyList<string> sopInstanceUids, int first, int count, CancellationToken cancellationToken)
    {
        var record = VolumeContainerFormat.Read(container, sopInstanceUids);
        var model = Model(record.ModelId);
        if (!string.Equals(model.Info.Sha256, record.ModelSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new LatentModelUnavailableException(
                record.ModelId, $"The series latent was made by model {record.ModelId} with sha256 {record.ModelSha256}; the registered model of that id has {model.Info.Sha256}.");
        }

        var (depth, height, width) = record.LatentSize;
        var latent = new LatentVolume(record.Channels, new VolumeSize(depth, height, width), record.Latent);
        var image = model.DecodeSlices(latent, new VolumeSize(record.Slices, record.Rows, record.Columns), first, count, cancellationToken);
        var pixels = new PixelFrames(record.Rows, record.Columns, count, record.BitsAllocated, record.BitsStored, record.Signed, new int[image.Length]);
        var slice = pixels.FrameLength;
        for (var s = 0; s < count; s++)
        {
            FrameNormalizer.Denormalize(
                image.AsSpan(s * slice, slice), record.Volume, record.SliceRanges[first + s], pixels.StoredRange, pixels.Values.AsSpan(s * slice, slice));
        }

        return pixels;
    }

    public VolumeLatentArray ReadLatent(ReadOnlySpan<byte> container, IReadOnlyList<string> sopInstanceUids)
    {
        var record = VolumeContainerFormat.Read(container, sopInstanceUids);
        var model = Model(record.ModelId);
        return new VolumeLatentArray(
            model.Info, model.ScalePerSide, record.Slices, record.Rows, record.Columns, record.BitsStored, record.Signed, record.LatentShape[1..], record.Latent);
    }

    public (int First, int Count) SlabOf(string modelId, int slices, int slice)
    {
        var span = SlabLatentSlices * Model(modelId).ScalePerSide;
        var first = slice / span * span;
        return (first, Math.Min(span, slices - first));
    }

    private IVolumeAutoencoder Model(string modelId)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        try
        {
            return registry.GetVolume(modelId);
        }
        catch (KeyNotFoundException exception)
        {
            throw new LatentModelUnavailableException(modelId, exception.Message);
        }
    }
}
