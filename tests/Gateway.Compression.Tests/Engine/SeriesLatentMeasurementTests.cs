using System.Diagnostics;
using Gateway.Compression.Engine;
using Gateway.Compression.Tests.Models;
using Gateway.Core.Compression;
using Gateway.Core.Series;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;
using Gateway.Testing;

namespace Gateway.Compression.Tests.Engine;

/// <summary>
/// The two real series of shared/data through the series latent engine with both 3D models: every slice's PSNR (on
/// its own range, computed here from the stored values), the container's bytes against the pixel bytes, and the
/// encode and decode times, written to the test output; the floor asserted is what the series job's test relies on.
/// </summary>
public sealed class SeriesLatentMeasurementTests
{
    [Theory]
    [InlineData("volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon", "compact3d-f64-c0")]
    [InlineData("volumes/mr-t1-sag-mprage-pediatric__FNNDSC-SAG-anon", "compact3d-f512-c0")]
    [InlineData("volumes/mr-640x640__Seg3DData-example_dicom", "compact3d-f64-c0")]
    [InlineData("volumes/mr-640x640__Seg3DData-example_dicom", "compact3d-f512-c0")]
    public void A_real_series_round_trips_with_every_slice_measured(string relativePath, string modelId)
    {
        var (volume, uids) = ReadVolume(TestData.RequireSharedData(relativePath));
        var engine = new VolumeLatentEngine(SharedModels.Instance);

        var clock = Stopwatch.StartNew();
        var encoding = engine.Encode(modelId, volume, uids, CancellationToken.None);
        var encodeTime = clock.Elapsed;
        clock.Restart();
        var decoded = engine.DecodeSlices(encoding.Container, uids, 0, volume.Frames, CancellationToken.None);
        var decodeTime = clock.Elapsed;

        var psnr = Enumerable.Range(0, volume.Frames).Select(s => Psnr(volume.Frame(s), decoded.Frame(s))).ToArray();
        var pixelBytes = (long)volume.Values.Length * 2;
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"{relativePath} {modelId}: {volume.Frames} x {volume.Rows} x {volume.Columns}; container {encoding.Container.Length} bytes for {pixelBytes} pixel bytes ({(double)pixelBytes / encoding.Container.Length:F1}x); encode {encodeTime.TotalSeconds:F1} s, decode {decodeTime.TotalSeconds:F1} s");
        output?.WriteLine($"PSNR per slice: min {psnr.Min():F2}, median {psnr.Order().ElementAt(psnr.Length / 2):F2}, max {psnr.Max():F2} dB");
        output?.WriteLine(string.Join(" ", psnr.Select(value => value.ToString("F1", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.True(psnr.Min() > 15, $"worst slice {psnr.Min():F2} dB");
    }

    /// <summary>PSNR of <paramref name="reconstruction"/> on the original slice's range (1 when constant).</summary>
    internal static double Psnr(ReadOnlySpan<int> original, ReadOnlySpan<int> reconstruction)
    {
        int min = int.MaxValue, max = int.MinValue;
        foreach (var value in original)
        {
            (min, max) = (Math.Min(min, value), Math.Max(max, value));
        }

        var range = max > min ? (double)(max - min) : 1;
        var sum = 0.0;
        for (var i = 0; i < original.Length; i++)
        {
            var difference = (original[i] - reconstruction[i]) / range;
            sum += difference * difference;
        }

        return sum == 0 ? double.PositiveInfinity : 10 * Math.Log10(original.Length / sum);
    }

    /// <summary>The series' volume as the series job assembles it: slices in order along the normal, stored values.</summary>
    internal static (PixelFrames Volume, string[] Uids) ReadVolume(string folder)
    {
        var files = Directory.GetFiles(folder, "*.dcm").Select(path => DicomFile.Open(path, new DicomReadOptions())).ToList();
        var assembly = new VolumeAssembler(new VolumeAssemblyOptions()).Assemble([.. files.Select(file => SliceGeometry.From(file.Dataset))]);
        var slices = assembly.Volume!.Slices;
        var bySop = files.ToDictionary(file => file.Dataset.GetString(DicomTags.SOPInstanceUID)!, StringComparer.Ordinal);
        PixelFrames? first = null;
        int[] values = [];
        for (var s = 0; s < slices.Count; s++)
        {
            var file = bySop[slices[s].Instance.SopInstanceUid];
            var frame = PixelFramesReader.Read(file.Dataset, DicomPixelData.Create(file.Dataset, file.TransferSyntax), DicomCodecRegistry.Default, out _)!;
            if (first is null)
            {
                first = frame;
                values = new int[frame.FrameLength * slices.Count];
            }

            frame.Values.CopyTo(values, s * frame.FrameLength);
        }

        return (first! with { Frames = slices.Count, Values = values }, [.. slices.Select(slice => slice.Instance.SopInstanceUid)]);
    }
}
