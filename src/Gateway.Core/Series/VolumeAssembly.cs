namespace Gateway.Core.Series;

/// <summary>
/// What <see cref="VolumeAssembler"/> decided for a series: the volume candidate (null when there is none) and every
/// instance that must take the 2D path, with the reason. Each instance given is in exactly one of the two.
/// </summary>
public sealed record VolumeAssembly(VolumeCandidate? Volume, IReadOnlyList<ExcludedInstance> Excluded);

/// <summary>
/// Slices that make one volume: in order along the slice normal (increasing position), uniformly spaced, one
/// orientation, one pixel format. Depth x <see cref="Rows"/> x <see cref="Columns"/> voxels.
/// </summary>
/// <param name="Normal">The unit slice normal: row direction x column direction of the volume's orientation.</param>
/// <param name="Spacing">The mean step between neighbouring slices along the normal, mm.</param>
public sealed record VolumeCandidate(IReadOnlyList<VolumeSlice> Slices, int Rows, int Columns, (double X, double Y, double Z) Normal, double Spacing)
{
    public int Depth => Slices.Count;
}

/// <summary>One slice of a volume: its instance, its index along the normal and its position on it (mm).</summary>
public sealed record VolumeSlice(SliceGeometry Instance, int Index, double Position);

/// <summary>An instance that is not part of the series' volume, why, and a sentence that says what was found.</summary>
public sealed record ExcludedInstance(string SopInstanceUid, VolumeExclusion Reason, string Detail);

/// <summary>Why an instance of a series takes the 2D path instead of the series' volume.</summary>
public enum VolumeExclusion
{
    /// <summary>More than one frame: an enhanced or cine object is its own volume or sequence, not a slice.</summary>
    MultiFrame,

    /// <summary>Colour (more than one sample per pixel, or not MONOCHROME1/2): the 3D models are single-channel.</summary>
    Colour,

    /// <summary>No usable ImageOrientationPatient, ImagePositionPatient or PixelSpacing: its place in a volume is unknown.</summary>
    NoGeometry,

    /// <summary>Its plane is not the volume's orientation (a localizer, a second stack in another plane).</summary>
    SecondOrientation,

    /// <summary>Rows, columns, bits allocated or stored, pixel representation, photometric interpretation or pixel spacing differ from the volume's.</summary>
    SizeMismatch,

    /// <summary>Another slice of the volume lies at the same position along the normal (a repeat, a second echo or phase).</summary>
    DuplicatePosition,

    /// <summary>Not reachable from the volume in uniform steps: beyond a missing slice, or after a step of another size.</summary>
    Gap,

    /// <summary>The slices that would make the volume are fewer than <see cref="VolumeAssemblyOptions.MinimumSlices"/>.</summary>
    TooFewSlices,
}
