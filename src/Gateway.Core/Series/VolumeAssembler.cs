using System.Globalization;

namespace Gateway.Core.Series;

/// <summary>
/// Decides, from the geometry of a series' instances alone (no pixels, no I/O), whether they make one volume for a
/// 3D latent and which instances must take the 2D path, and why. The volume is the largest set of single-frame
/// monochrome instances that share one orientation and one pixel format, have one instance per position along the
/// slice normal and follow each other in uniform steps: a gap or a step of another size splits the stack into runs,
/// and the longest run is the volume. The result does not depend on the order the instances arrived in.
/// </summary>
public sealed class VolumeAssembler
{
    private readonly VolumeAssemblyOptions options;

    public VolumeAssembler(VolumeAssemblyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
    }

    public VolumeAssembly Assemble(IReadOnlyList<SliceGeometry> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        var excluded = new Dictionary<int, ExcludedInstance>();
        var planar = new List<int>();
        for (var i = 0; i < instances.Count; i++)
        {
            var reason = SingleSliceProblem(instances[i]);
            if (reason is { } problem)
            {
                excluded[i] = new ExcludedInstance(instances[i].SopInstanceUid, problem.Reason, problem.Detail);
            }
            else
            {
                planar.Add(i);
            }
        }

        var oriented = LargestGroup(planar, instances, SameOrientation, excluded, VolumeExclusion.SecondOrientation, DescribeOrientation);
        var uniform = LargestGroup(oriented, instances, SameFormat, excluded, VolumeExclusion.SizeMismatch, DescribeFormat);
        var volume = uniform.Count == 0 ? null : Stack(uniform, instances, excluded);
        return new VolumeAssembly(volume, [.. excluded.OrderBy(entry => entry.Key).Select(entry => entry.Value)]);
    }

    private static (VolumeExclusion Reason, string Detail)? SingleSliceProblem(SliceGeometry slice)
    {
        if (slice.NumberOfFrames > 1)
        {
            return (VolumeExclusion.MultiFrame, $"{slice.NumberOfFrames} frames");
        }

        if (slice.SamplesPerPixel != 1 || slice.PhotometricInterpretation is not ("MONOCHROME1" or "MONOCHROME2"))
        {
            return (VolumeExclusion.Colour, $"{slice.PhotometricInterpretation}, {slice.SamplesPerPixel} samples per pixel");
        }

        if (slice.ImageOrientationPatient is not { Count: 6 } || slice.ImagePositionPatient is not { Count: 3 } || slice.PixelSpacing is not { Count: 2 })
        {
            return (VolumeExclusion.NoGeometry, "no ImageOrientationPatient, ImagePositionPatient or PixelSpacing");
        }

        var normal = Cross(slice.ImageOrientationPatient);
        return Length(normal) < 0.5
            ? (VolumeExclusion.NoGeometry, $"row and column directions {DescribeOrientation(slice)} do not span a plane")
            : null;
    }

    /// <summary>
    /// The largest group of <paramref name="members"/> that agree with its first member (ties: the group whose first
    /// member came first); the others are excluded with <paramref name="reason"/>.
    /// </summary>
    private static List<int> LargestGroup(
        List<int> members, IReadOnlyList<SliceGeometry> instances, Func<SliceGeometry, SliceGeometry, bool> same,
        Dictionary<int, ExcludedInstance> excluded, VolumeExclusion reason, Func<SliceGeometry, string> describe)
    {
        var groups = new List<List<int>>();
        foreach (var i in members)
        {
            var group = groups.FirstOrDefault(candidate => same(instances[candidate[0]], instances[i]));
            if (group is null)
            {
                groups.Add([i]);
            }
            else
            {
                group.Add(i);
            }
        }

        if (groups.Count == 0)
        {
            return [];
        }

        var largest = groups.MaxBy(group => group.Count)!;
        var reference = describe(instances[largest[0]]);
        foreach (var i in groups.Where(group => group != largest).SelectMany(group => group))
        {
            excluded[i] = new ExcludedInstance(instances[i].SopInstanceUid, reason, $"{describe(instances[i])}; the volume's: {reference}");
        }

        return largest;
    }

    private bool SameOrientation(SliceGeometry a, SliceGeometry b) =>
        a.ImageOrientationPatient!.Zip(b.ImageOrientationPatient!).All(pair => Math.Abs(pair.First - pair.Second) <= options.OrientationTolerance);

    private static bool SameFormat(SliceGeometry a, SliceGeometry b) =>
        (a.Rows, a.Columns, a.BitsAllocated, a.BitsStored, a.PixelRepresentation, a.PhotometricInterpretation)
            == (b.Rows, b.Columns, b.BitsAllocated, b.BitsStored, b.PixelRepresentation, b.PhotometricInterpretation)
        && a.PixelSpacing!.Zip(b.PixelSpacing!).All(pair => Math.Abs(pair.First - pair.Second) <= 1e-4 * Math.Max(1, Math.Abs(pair.First)));

    /// <summary>Orders the slices along the normal, sets duplicates aside and keeps the longest run of uniform steps.</summary>
    private VolumeCandidate? Stack(List<int> members, IReadOnlyList<SliceGeometry> instances, Dictionary<int, ExcludedInstance> excluded)
    {
        var reference = instances[members[0]];
        var normal = Normalize(Cross(reference.ImageOrientationPatient!));
        var ordered = members
            .Select(i => (Index: i, Position: Dot(normal, instances[i].ImagePositionPatient!)))
            .OrderBy(slice => slice.Position).ThenBy(slice => slice.Index)
            .ToList();

        var unique = new List<(int Index, double Position)>();
        foreach (var slice in ordered)
        {
            var previous = unique.Count > 0 ? unique[^1] : default;
            if (unique.Count > 0 && slice.Position - previous.Position < options.DuplicateTolerance)
            {
                excluded[slice.Index] = new ExcludedInstance(
                    instances[slice.Index].SopInstanceUid, VolumeExclusion.DuplicatePosition,
                    $"at {Mm(slice.Position)} along the normal, as {instances[previous.Index].SopInstanceUid}, which the volume keeps");
                continue;
            }

            unique.Add(slice);
        }

        var run = LongestUniformRun(unique, out var step);
        var inRun = run.Select(slice => slice.Index).ToHashSet();
        foreach (var slice in unique.Where(slice => !inRun.Contains(slice.Index)))
        {
            excluded[slice.Index] = new ExcludedInstance(
                instances[slice.Index].SopInstanceUid, VolumeExclusion.Gap,
                $"at {Mm(slice.Position)} along the normal, not in uniform steps of {Mm(step)} from the volume's slices at {Mm(run[0].Position)} to {Mm(run[^1].Position)}");
        }

        if (run.Count < options.MinimumSlices)
        {
            foreach (var slice in run)
            {
                excluded[slice.Index] = new ExcludedInstance(
                    instances[slice.Index].SopInstanceUid, VolumeExclusion.TooFewSlices,
                    $"{run.Count} slices in uniform steps; a volume needs {options.MinimumSlices}");
            }

            return null;
        }

        var slices = run.Select((slice, k) => new VolumeSlice(instances[slice.Index], k, slice.Position)).ToList();
        var spacing = run.Count > 1 ? (run[^1].Position - run[0].Position) / (run.Count - 1) : 0;
        return new VolumeCandidate(slices, reference.Rows, reference.Columns, normal, spacing);
    }

    /// <summary>
    /// The longest run of neighbours whose steps stay within the tolerance of the median step (ties: the first along
    /// the normal); <paramref name="step"/> is that median.
    /// </summary>
    private List<(int Index, double Position)> LongestUniformRun(List<(int Index, double Position)> slices, out double step)
    {
        if (slices.Count < 2)
        {
            step = 0;
            return slices;
        }

        var steps = slices.Zip(slices.Skip(1), (a, b) => b.Position - a.Position).Order().ToList();
        step = steps.Count % 2 == 1 ? steps[steps.Count / 2] : (steps[(steps.Count / 2) - 1] + steps[steps.Count / 2]) / 2;
        var (bestStart, bestLength, start) = (0, 1, 0);
        for (var k = 1; k <= slices.Count; k++)
        {
            var breaks = k == slices.Count || Math.Abs(slices[k].Position - slices[k - 1].Position - step) > options.SpacingTolerance * step;
            if (!breaks)
            {
                continue;
            }

            if (k - start > bestLength)
            {
                (bestStart, bestLength) = (start, k - start);
            }

            start = k;
        }

        return slices.GetRange(bestStart, bestLength);
    }

    private static string DescribeOrientation(SliceGeometry slice) =>
        "orientation [" + string.Join(", ", slice.ImageOrientationPatient!.Select(v => v.ToString("0.#####", CultureInfo.InvariantCulture))) + "]";

    private static string DescribeFormat(SliceGeometry slice) => string.Create(
        CultureInfo.InvariantCulture,
        $"{slice.Rows} x {slice.Columns}, {slice.BitsStored}/{slice.BitsAllocated} bits, pixel representation {slice.PixelRepresentation}, {slice.PhotometricInterpretation}, spacing {slice.PixelSpacing![0]:0.####} x {slice.PixelSpacing[1]:0.####} mm");

    private static string Mm(double value) => value.ToString("0.###", CultureInfo.InvariantCulture) + " mm";

    private static (double X, double Y, double Z) Cross(IReadOnlyList<double> o) =>
        ((o[1] * o[5]) - (o[2] * o[4]), (o[2] * o[3]) - (o[0] * o[5]), (o[0] * o[4]) - (o[1] * o[3]));

    private static double Length((double X, double Y, double Z) v) => Math.Sqrt((v.X * v.X) + (v.Y * v.Y) + (v.Z * v.Z));

    private static (double X, double Y, double Z) Normalize((double X, double Y, double Z) v)
    {
        var length = Length(v);
        return (v.X / length, v.Y / length, v.Z / length);
    }

    private static double Dot((double X, double Y, double Z) n, IReadOnlyList<double> p) => (n.X * p[0]) + (n.Y * p[1]) + (n.Z * p[2]);
}
