using System.Text.Json;
using Gateway.Compression.Quality;
using Gateway.Core.Compression;

namespace Gateway.Compression.Tests.Quality;

public sealed class QualityMetricsTests
{
    [Fact]
    public void Psnr_of_a_known_mean_squared_error_is_the_textbook_value()
    {
        // Range 0..1000, every value off by 10: MSE 100, PSNR = 10 log10(1000^2 / 100) = 40 dB.
        var original = Enumerable.Range(0, 1001).ToArray();
        var reconstructed = original.Select((v, i) => i % 2 == 0 ? v + 10 : v - 10).ToArray();

        Assert.Equal(40.0, FrameQuality.Psnr(original, reconstructed), 12);
    }

    [Fact]
    public void Psnr_is_infinite_for_equal_frames_including_constant_ones()
    {
        Assert.Equal(double.PositiveInfinity, FrameQuality.Psnr([5, 5, 5, 5], [5, 5, 5, 5]));
        Assert.Equal(double.PositiveInfinity, FrameQuality.Psnr([1, 2, 3, 4], [1, 2, 3, 4]));
    }

    [Fact]
    public void Psnr_of_a_constant_frame_with_an_error_uses_a_peak_of_one_stored_unit()
    {
        // MSE 4 against a peak of 1: 10 log10(1 / 4).
        Assert.Equal(10 * Math.Log10(0.25), FrameQuality.Psnr([7, 7], [9, 5]), 12);
    }

    [Fact]
    public void Ssim_of_identical_frames_is_one()
    {
        var frame = Pattern(32, 40, seed: 1);
        Assert.Equal(1.0, FrameQuality.Ssim(frame, frame, 32, 40), 12);
    }

    [Fact]
    public void Psnr_and_ssim_match_an_independent_numpy_implementation()
    {
        const int frames = 3, rows = 37, columns = 45;
        var original = new PixelFrames(rows, columns, frames, 16, 12, false,
            [.. Pattern(rows, columns, 1), .. Pattern(rows, columns, 2), .. Enumerable.Repeat(300, rows * columns)]);
        var noisy = Noisy(original.Values, 0, 4095, 3);
        var reconstructed = original with { Values = noisy };

        var reference = Reference(original, reconstructed);

        for (var f = 0; f < frames; f++)
        {
            var psnr = FrameQuality.Psnr(original.Frame(f), reconstructed.Frame(f));
            var ssim = FrameQuality.Ssim(original.Frame(f), reconstructed.Frame(f), rows, columns);
            Assert.Equal(reference[f].Psnr, psnr, 9);
            Assert.Equal(reference[f].Ssim, ssim, 9);
            Assert.InRange(ssim, -1, 0.9999); // the noise is real: not a trivially perfect match
        }

        var measure = QualityMetrics.Measure(original, reconstructed);
        Assert.Equal(reference.Min(r => r.Psnr), measure.Psnr, 9);
        Assert.Equal(reference.Min(r => r.Ssim), measure.Ssim, 9);
    }

    [Fact]
    public void A_frame_smaller_than_the_window_is_measured_with_a_smaller_window_like_the_reference()
    {
        var original = new PixelFrames(9, 14, 1, 16, 16, true, Pattern(9, 14, 5).Select(v => v - 2000).ToArray());
        var reconstructed = original with { Values = Noisy(original.Values, -32768, 32767, 9) };

        var reference = Reference(original, reconstructed);

        Assert.Equal(reference[0].Ssim, FrameQuality.Ssim(original.Values, reconstructed.Values, 9, 14), 9);
    }

    [Fact]
    public void The_worst_frame_gives_the_measure()
    {
        var frame = Pattern(16, 16, 4);
        var original = new PixelFrames(16, 16, 2, 16, 12, false, [.. frame, .. frame]);
        var slightlyOff = frame.Select((v, i) => i % 3 == 0 ? v + 1 : v);
        var farOff = frame.Select((v, i) => i % 3 == 0 ? v + 40 : v);
        var reconstructed = original with { Values = [.. slightlyOff, .. farOff] };

        var measure = QualityMetrics.Measure(original, reconstructed);

        Assert.Equal(FrameQuality.Psnr(frame, farOff.ToArray()), measure.Psnr);
        Assert.Equal(FrameQuality.Ssim(frame, farOff.ToArray(), 16, 16), measure.Ssim);
    }

    private static int[] Pattern(int rows, int columns, int seed)
    {
        var values = new int[rows * columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                values[(r * columns) + c] = (int)(2000 + (1500 * Math.Sin((r * 0.2 * seed) + (c * 0.13))) + (300 * Math.Cos(c * 0.7 / seed)));
            }
        }

        return values;
    }

    private static int[] Noisy(int[] values, int min, int max, int seed)
    {
        var random = new Random(seed);
        return values.Select(v => Math.Clamp(v + random.Next(-60, 61), min, max)).ToArray();
    }

    private static List<(double Psnr, double Ssim)> Reference(PixelFrames original, PixelFrames reconstructed)
    {
        var directory = Directory.CreateTempSubdirectory("quality-oracle-");
        try
        {
            var originalPath = Path.Combine(directory.FullName, "original.i32");
            var reconstructedPath = Path.Combine(directory.FullName, "reconstructed.i32");
            File.WriteAllBytes(originalPath, System.Runtime.InteropServices.MemoryMarshal.AsBytes(original.Values.AsSpan()).ToArray());
            File.WriteAllBytes(reconstructedPath, System.Runtime.InteropServices.MemoryMarshal.AsBytes(reconstructed.Values.AsSpan()).ToArray());
            var output = ExternalTool.RunChecked(
                ExternalTool.DebianPython,
                [Path.Combine(TestData.RepositoryRoot, "tests", "oracle", "quality_reference.py"), originalPath, reconstructedPath,
                    $"{original.Frames}", $"{original.Rows}", $"{original.Columns}"],
                "python3-numpy");
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
            {
                using var json = JsonDocument.Parse(line);
                var psnr = json.RootElement.GetProperty("psnr");
                return (psnr.ValueKind == JsonValueKind.Null ? double.PositiveInfinity : psnr.GetDouble(), json.RootElement.GetProperty("ssim").GetDouble());
            }).ToList();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
