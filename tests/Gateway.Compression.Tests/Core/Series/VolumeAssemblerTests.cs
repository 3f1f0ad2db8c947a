using Gateway.Core.Series;
using Gateway.Dicom;

namespace Gateway.Compression.Tests.Core.Series;

/// <summary>
/// Volume assembly on the geometry of real series (../shared/data/volumes: the 192-slice sagittal MPRAGE, 0.9 mm
/// steps, and the 44-slice 640 x 640 series, 2.5 mm steps; InstanceNumber order is their order along the normal,
/// docs/training.md) and on constructed axial stacks for what real series here lack.
/// </summary>
public sealed class VolumeAssemblerTests
{
    private const string Mprage = "volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon";
    private const string Mr640 = "volumes/mr-640x640__Seg3DData-example_dicom";

    private static readonly VolumeAssembler Assembler = new(new VolumeAssemblyOptions());

    [Fact]
    public void TheMprageIsOneVolumeInInstanceNumberOrderWhateverTheArrivalOrder()
    {
        var (slices, instanceNumbers) = ReadSeries(Mprage);
        var random = new Random(3);
        var shuffled = slices.OrderBy(_ => random.Next()).ToList();

        var assembly = Assembler.Assemble(shuffled);

        Assert.Empty(assembly.Excluded);
        var volume = Assert.IsType<VolumeCandidate>(assembly.Volume);
        Assert.Equal((192, 256, 256), (volume.Depth, volume.Rows, volume.Columns));
        var byNumber = instanceNumbers.OrderBy(entry => entry.Value).Select(entry => entry.Key).ToList();
        var ordered = volume.Slices.Select(slice => slice.Instance.SopInstanceUid).ToList();
        Assert.True(ordered.SequenceEqual(byNumber) || ordered.SequenceEqual(Enumerable.Reverse(byNumber)), "the volume's order is not InstanceNumber order");
        Assert.InRange(volume.Spacing, 0.85, 0.95);
        Assert.Equal(Enumerable.Range(0, 192), volume.Slices.Select(slice => slice.Index));
        Assert.Equal(ordered, Assembler.Assemble(slices).Volume!.Slices.Select(slice => slice.Instance.SopInstanceUid));
    }

    [Fact]
    public void The640SeriesIsOneVolumeIn25MillimetreSteps()
    {
        var (slices, _) = ReadSeries(Mr640);

        var volume = Assert.IsType<VolumeCandidate>(Assembler.Assemble(slices).Volume);

        Assert.Equal((44, 640, 640), (volume.Depth, volume.Rows, volume.Columns));
        Assert.InRange(volume.Spacing, 2.45, 2.55);
    }

    [Fact]
    public void AMissingMprageSliceSplitsTheStackAndTheShorterRunTakesThe2DPath()
    {
        var (slices, instanceNumbers) = ReadSeries(Mprage);
        var withGap = slices.Where(slice => instanceNumbers[slice.SopInstanceUid] != 100).ToList();

        var assembly = Assembler.Assemble(withGap);

        var volume = Assert.IsType<VolumeCandidate>(assembly.Volume);
        Assert.Equal(99, volume.Depth);
        Assert.Equal(92, assembly.Excluded.Count);
        Assert.All(assembly.Excluded, entry => Assert.Equal(VolumeExclusion.Gap, entry.Reason));
        Assert.All(assembly.Excluded, entry => Assert.InRange(instanceNumbers[entry.SopInstanceUid], 101, 192));
        Assert.All(volume.Slices, slice => Assert.InRange(instanceNumbers[slice.Instance.SopInstanceUid], 1, 99));
    }

    [Fact]
    public void ALocalizerInAnotherPlaneTakesThe2DPath()
    {
        var stack = AxialStack(20, step: 1.5);
        var localizer = Slice("loc", position: (0, 0, 10)) with { ImageOrientationPatient = [0, 1, 0, 0, 0, -1] };

        var assembly = Assembler.Assemble([localizer, .. stack]);

        Assert.Equal(20, assembly.Volume!.Depth);
        var excluded = Assert.Single(assembly.Excluded);
        Assert.Equal(("loc", VolumeExclusion.SecondOrientation), (excluded.SopInstanceUid, excluded.Reason));
        Assert.Contains("orientation [0, 1, 0, 0, 0, -1]", excluded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void OrientationNoiseWithinTheToleranceIsOnePlane()
    {
        var stack = AxialStack(20, step: 1.5);
        stack[7] = stack[7] with { ImageOrientationPatient = [1, 0.0004, 0, 0, 0.9999999, 0.0003] };

        var assembly = Assembler.Assemble(stack);

        Assert.Empty(assembly.Excluded);
        Assert.Equal(20, assembly.Volume!.Depth);
    }

    [Fact]
    public void ASecondInstanceAtAPositionTakesThe2DPathAndTheFirstArrivedStays()
    {
        var stack = AxialStack(20, step: 1.5);
        var repeat = Slice("repeat", position: (0, 0, 7 * 1.5));

        var assembly = Assembler.Assemble([.. stack, repeat]);

        Assert.Equal(20, assembly.Volume!.Depth);
        Assert.Equal("s07", assembly.Volume.Slices[7].Instance.SopInstanceUid);
        var excluded = Assert.Single(assembly.Excluded);
        Assert.Equal(("repeat", VolumeExclusion.DuplicatePosition), (excluded.SopInstanceUid, excluded.Reason));
        Assert.Contains("s07", excluded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ALateSliceIsPlacedByItsPositionNotByItsArrival()
    {
        var stack = AxialStack(20, step: 1.5);
        var late = stack[11];
        stack.RemoveAt(11);

        var assembly = Assembler.Assemble([.. stack, late]);

        Assert.Empty(assembly.Excluded);
        Assert.Equal("s11", assembly.Volume!.Slices[11].Instance.SopInstanceUid);
        Assert.Equal(Enumerable.Range(0, 20).Select(k => $"s{k:00}"), assembly.Volume.Slices.Select(slice => slice.Instance.SopInstanceUid));
    }

    [Fact]
    public void AStepOfAnotherSizeEndsTheVolume()
    {
        var stack = AxialStack(20, step: 1.5);
        var beyond = Enumerable.Range(0, 4).Select(k => Slice($"far{k}", position: (0, 0, (19 * 1.5) + 2.2 + (k * 1.5)))).ToList();

        var assembly = Assembler.Assemble([.. beyond, .. stack]);

        Assert.Equal(20, assembly.Volume!.Depth);
        Assert.Equal(["far0", "far1", "far2", "far3"], assembly.Excluded.Select(entry => entry.SopInstanceUid).ToArray());
        Assert.All(assembly.Excluded, entry => Assert.Equal(VolumeExclusion.Gap, entry.Reason));
        Assert.Contains("not in uniform steps of 1.5 mm", assembly.Excluded[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void MultiFrameColourAndOtherSizesTakeThe2DPath()
    {
        var stack = AxialStack(20, step: 1.5);
        var multiFrame = Slice("mf", position: (0, 0, 40)) with { NumberOfFrames = 30 };
        var colour = Slice("rgb", position: (0, 0, 40)) with { SamplesPerPixel = 3, PhotometricInterpretation = "RGB" };
        var smaller = Slice("small", position: (0, 0, 3)) with { Rows = 256 };
        var otherBits = Slice("bits", position: (0, 0, 3)) with { BitsStored = 16 };
        var noGeometry = Slice("nogeo", position: (0, 0, 3)) with { ImagePositionPatient = null };

        var assembly = Assembler.Assemble([multiFrame, .. stack, colour, smaller, otherBits, noGeometry]);

        Assert.Equal(20, assembly.Volume!.Depth);
        Assert.Equal(
            new[] { ("mf", VolumeExclusion.MultiFrame), ("rgb", VolumeExclusion.Colour), ("small", VolumeExclusion.SizeMismatch), ("bits", VolumeExclusion.SizeMismatch), ("nogeo", VolumeExclusion.NoGeometry) },
            assembly.Excluded.Select(entry => (entry.SopInstanceUid, entry.Reason)).ToArray());
        Assert.Contains("256 x 512", assembly.Excluded[2].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AStackShorterThanTheMinimumIsNoVolume()
    {
        var assembly = Assembler.Assemble(AxialStack(15, step: 1.5));

        Assert.Null(assembly.Volume);
        Assert.Equal(15, assembly.Excluded.Count);
        Assert.All(assembly.Excluded, entry => Assert.Equal(VolumeExclusion.TooFewSlices, entry.Reason));
    }

    private static List<SliceGeometry> AxialStack(int count, double step) =>
        [.. Enumerable.Range(0, count).Select(k => Slice($"s{k:00}", position: (-120, -100, k * step)))];

    private static SliceGeometry Slice(string uid, (double X, double Y, double Z) position) =>
        new(uid, 512, 512, 16, 12, 0, "MONOCHROME2", 1, 1, [1, 0, 0, 0, 1, 0], [position.X, position.Y, position.Z], [0.5, 0.5]);

    /// <summary>The geometry of every instance of a shared-data series, and each one's InstanceNumber (the independent order).</summary>
    private static (List<SliceGeometry> Slices, Dictionary<string, int> InstanceNumbers) ReadSeries(string relativePath)
    {
        var folder = TestData.RequireSharedData(relativePath);
        var slices = new List<SliceGeometry>();
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var path in Directory.GetFiles(folder, "*.dcm").Order(StringComparer.Ordinal))
        {
            var dataset = DicomFile.Open(path, new DicomReadOptions { StopBeforePixelData = true }).Dataset;
            var slice = SliceGeometry.From(dataset);
            slices.Add(slice);
            numbers[slice.SopInstanceUid] = dataset.GetValue<int>(DicomTags.InstanceNumber);
        }

        return (slices, numbers);
    }
}
