using System.Diagnostics;
using System.Globalization;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Bench;

/// <summary>
/// Our decode of frame 1 and the C harness's decode of the same bytes, alternating in one process (ours first on
/// even iterations, the harness first on odd ones), so that both meet the same machine load at the same moments.
/// Each pair gives a ratio ours / native; the median of those ratios is the overhead of our layer with the noise of
/// a shared machine largely cancelled.
/// </summary>
internal static class PairedDecodeBenchmark
{
    public static void Run(CodecFamily family, BenchArguments arguments, string library)
    {
        if (arguments.Paths.Count == 0)
        {
            throw new ArgumentException($"{family.Name}: give the DICOM files whose frames to decode.");
        }

        using var native = new NativeHarness(library, family);
        var registry = family.Registry(arguments.Threads);
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine("case\tdecoded_bytes\tpairs\tours_median_ms\tours_min_ms\tnative_median_ms\tnative_min_ms\tpaired_ratio_median");
        foreach (var path in arguments.Paths)
        {
            var file = DicomFile.Open(path);
            if (!family.Contains(file.TransferSyntax))
            {
                throw new ArgumentException($"{path} is {file.TransferSyntax.Name}, not a {family.Name} file.");
            }

            var pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
            var codestream = pixelData.GetEncodedFrame(0);
            var ours = () => { _ = FrameDecoder.Decode(pixelData, 0, registry); };
            var theirs = () => { _ = native.Decode(codestream.Span, arguments.Threads); };
            var decoded = FrameDecoder.Decode(pixelData, 0, registry).Data.Length;
            if (native.Decode(codestream.Span, arguments.Threads) != decoded)
            {
                throw new InvalidOperationException($"{path}: the native harness and our codec produce frames of different sizes.");
            }

            var warmupStart = Stopwatch.GetTimestamp();
            for (var i = 0; i < arguments.Warmup || Stopwatch.GetElapsedTime(warmupStart) < arguments.WarmupTime; i++)
            {
                ours();
                theirs();
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();
            var oursTimes = new double[arguments.Iterations];
            var theirTimes = new double[arguments.Iterations];
            for (var i = 0; i < arguments.Iterations; i++)
            {
                if (i % 2 == 0)
                {
                    oursTimes[i] = Time(ours);
                    theirTimes[i] = Time(theirs);
                }
                else
                {
                    theirTimes[i] = Time(theirs);
                    oursTimes[i] = Time(ours);
                }
            }

            var pairedRatio = Measurement.MedianOf(oursTimes.Zip(theirTimes, (a, b) => a / b));
            var oursMeasurement = new Measurement(oursTimes);
            var theirMeasurement = new Measurement(theirTimes);
            Console.WriteLine(string.Join('\t',
                DecodeBenchmark.CaseName(path),
                decoded.ToString(invariant),
                arguments.Iterations.ToString(invariant),
                oursMeasurement.Median.ToString("F3", invariant),
                oursMeasurement.Min.ToString("F3", invariant),
                theirMeasurement.Median.ToString("F3", invariant),
                theirMeasurement.Min.ToString("F3", invariant),
                pairedRatio.ToString("F4", invariant)));
        }
    }

    private static double Time(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
