using Gateway.Compression.Engine;

namespace Gateway.Compression.Models;

/// <summary>
/// One 3D tile: a <see cref="TileSpan"/> on each axis (slices, rows, columns), and the copies in and out of
/// channels x depth x height x width arrays (C order) that tiled encoding and decoding need.
/// </summary>
internal readonly record struct VolumeTile(TileSpan Depth, TileSpan Height, TileSpan Width)
{
    /// <summary>The size of the tile's input span.</summary>
    public VolumeSize InputSize => new(Depth.InputLength, Height.InputLength, Width.InputLength);

    /// <summary>Every combination of the three axes' spans, slices outermost.</summary>
    public static IEnumerable<VolumeTile> Grid(TileSpan[] depth, TileSpan[] height, TileSpan[] width)
    {
        foreach (var d in depth)
        {
            foreach (var h in height)
            {
                foreach (var w in width)
                {
                    yield return new VolumeTile(d, h, w);
                }
            }
        }
    }

    /// <summary>The volume grown to <paramref name="padded"/> by repeating its last slice, row and column.</summary>
    public static float[] EdgePad(ReadOnlySpan<float> volume, VolumeSize size, VolumeSize padded)
    {
        if (size == padded)
        {
            return volume.ToArray();
        }

        var result = new float[padded.Voxels];
        for (var z = 0; z < padded.Depth; z++)
        {
            for (var y = 0; y < padded.Height; y++)
            {
                var source = volume.Slice(((Math.Min(z, size.Depth - 1) * size.Height) + Math.Min(y, size.Height - 1)) * size.Width, size.Width);
                var target = result.AsSpan(((z * padded.Height) + y) * padded.Width, padded.Width);
                source.CopyTo(target);
                target[size.Width..].Fill(source[size.Width - 1]);
            }
        }

        return result;
    }

    /// <summary>This tile's input span (all channels) copied out of a channels x <paramref name="size"/> array.</summary>
    public float[] Crop(float[] source, int channels, VolumeSize size)
    {
        if (InputSize == size)
        {
            return source;
        }

        var input = InputSize;
        var tile = new float[channels * input.Voxels];
        for (var c = 0; c < channels; c++)
        {
            for (var z = 0; z < input.Depth; z++)
            {
                for (var y = 0; y < input.Height; y++)
                {
                    var from = ((((c * size.Depth) + Depth.InputStart + z) * size.Height) + Height.InputStart + y) * size.Width;
                    source.AsSpan(from + Width.InputStart, input.Width)
                        .CopyTo(tile.AsSpan(((((c * input.Depth) + z) * input.Height) + y) * input.Width, input.Width));
                }
            }
        }

        return tile;
    }

    /// <summary>
    /// Copies the part of a tile's output that lies in <paramref name="core"/> (target coordinates: slices, rows and
    /// columns [start, end)) into a channels x <paramref name="size"/> target; the output covers this tile's input span
    /// times <paramref name="scale"/>.
    /// </summary>
    public static void Paste(
        float[] output, int channels, VolumeSize outputSize, (int Z, int Y, int X) outputOrigin,
        float[] target, VolumeSize size, ((int Start, int End) Z, (int Start, int End) Y, (int Start, int End) X) core)
    {
        var count = core.X.End - core.X.Start;
        for (var c = 0; c < channels; c++)
        {
            for (var z = core.Z.Start; z < core.Z.End; z++)
            {
                for (var y = core.Y.Start; y < core.Y.End; y++)
                {
                    var from = ((((c * outputSize.Depth) + z - outputOrigin.Z) * outputSize.Height) + y - outputOrigin.Y) * outputSize.Width;
                    output.AsSpan(from + core.X.Start - outputOrigin.X, count)
                        .CopyTo(target.AsSpan(((((c * size.Depth) + z) * size.Height) + y) * size.Width + core.X.Start, count));
                }
            }
        }
    }
}
