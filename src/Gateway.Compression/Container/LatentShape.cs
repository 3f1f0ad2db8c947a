namespace Gateway.Compression.Container;

/// <summary>The [frames, channels, height, width] shape of a container's latent, checked against the rest of it.</summary>
internal readonly record struct LatentShape(int Frames, int Channels, int Height, int Width)
{
    public int PlaneLength => Height * Width;

    public long Count => (long)Frames * Channels * PlaneLength;

    /// <summary>The shape of a record about to be written; an inconsistent record is an <see cref="ArgumentException"/>.</summary>
    public static LatentShape Validate(LatentContainer container)
    {
        var problem = Problem(container.LatentShape, container.Frames);
        if (problem is null && container.Normalization.Count != container.Frames)
        {
            problem = $"{container.Normalization.Count} frame normalisations for {container.Frames} frames";
        }

        var shape = problem is null ? From(container.LatentShape) : default;
        if (problem is null && shape.Count != container.Latent.Length)
        {
            problem = $"shape {string.Join('x', container.LatentShape)} but {container.Latent.Length} values";
        }

        return problem is null ? shape : throw new ArgumentException($"Inconsistent latent container: {problem}.", nameof(container));
    }

    /// <summary>The shape read from a container; an inconsistent one is <see cref="LatentContainerError.Corrupt"/>.</summary>
    public static LatentShape Read(int[] dimensions, int frames)
    {
        var problem = Problem(dimensions, frames);
        return problem is null ? From(dimensions) : throw new LatentContainerException(LatentContainerError.Corrupt, $"Inconsistent latent container: {problem}.");
    }

    private static string? Problem(int[] dimensions, int frames)
    {
        if (dimensions.Length != 4)
        {
            return $"latent rank {dimensions.Length}, not 4 [frames, channels, height, width]";
        }

        if (dimensions[0] != frames)
        {
            return $"latent of {dimensions[0]} frames for {frames} frames";
        }

        if (dimensions.Any(d => d <= 0) || (long)dimensions[0] * dimensions[1] * dimensions[2] * dimensions[3] > Array.MaxLength)
        {
            return $"latent shape {string.Join('x', dimensions)}";
        }

        return null;
    }

    private static LatentShape From(int[] dimensions) => new(dimensions[0], dimensions[1], dimensions[2], dimensions[3]);
}
