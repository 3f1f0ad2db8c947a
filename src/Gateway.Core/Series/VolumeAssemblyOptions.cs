using System.ComponentModel.DataAnnotations;

namespace Gateway.Core.Series;

/// <summary>How strictly the instances of a series must agree to be stored as one volume (one 3D latent).</summary>
public sealed class VolumeAssemblyOptions
{
    /// <summary>The settings section (GATEWAY__SERIES__*).</summary>
    public const string SectionName = "Gateway:Series";

    /// <summary>
    /// The largest difference of any direction cosine (ImageOrientationPatient) from the volume's for a slice to share
    /// its orientation. 1e-3 is about 0.06 degrees: scanners write the same plane with a few digits of rounding noise.
    /// </summary>
    [Range(0, 0.5)]
    public double OrientationTolerance { get; set; } = 1e-3;

    /// <summary>How far (as a share of the series' median step) a step between neighbouring slices may differ from it and still count as uniform.</summary>
    [Range(0, 0.5)]
    public double SpacingTolerance { get; set; } = 0.1;

    /// <summary>Slices whose positions along the normal differ by less than this (mm) are at the same position.</summary>
    [Range(0, 10)]
    public double DuplicateTolerance { get; set; } = 0.01;

    /// <summary>
    /// The fewest slices that make a volume. 16: two latent voxels deep at f=512 (8 slices per voxel); a shorter
    /// stack gains little over 2D and takes the 2D path.
    /// </summary>
    [Range(2, 100000)]
    public int MinimumSlices { get; set; } = 16;
}
