using System.Globalization;
using Gateway.Dicom;

namespace Gateway.Bench;

/// <summary>
/// Header parsing throughput: every file opened with <see cref="DicomFile.Open"/> and read up to the Pixel Data
/// element, in one thread, with the files in the page cache. One iteration parses the whole list once.
/// </summary>
internal static class HeaderBenchmark
{
    private static readonly DicomReadOptions Options = new() { StopBeforePixelData = true };

    public static void Run(BenchArguments arguments)
    {
        var files = arguments.Paths;
        if (files.Count == 0)
        {
            throw new ArgumentException("headers: give the files or folders to parse.");
        }

        // Reading every file once also warms the page cache; the element count is printed so the work cannot be skipped.
        var elements = files.Sum(path => DicomFile.Open(path, Options).Dataset.Count);
        var measurement = Measurement.Run(() => ParseAll(files), arguments.Warmup, arguments.WarmupTime, arguments.Iterations);
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine("case\tfiles\ttop_level_elements\titerations\tmedian_ms\tmin_ms\tfiles_per_s_median\tfiles_per_s_best");
        Console.WriteLine(string.Join('\t',
            "headers",
            files.Count.ToString(invariant),
            elements.ToString(invariant),
            arguments.Iterations.ToString(invariant),
            measurement.Median.ToString("F3", invariant),
            measurement.Min.ToString("F3", invariant),
            (files.Count / measurement.Median * 1000).ToString("F1", invariant),
            (files.Count / measurement.Min * 1000).ToString("F1", invariant)));
    }

    private static void ParseAll(IReadOnlyList<string> files)
    {
        foreach (var path in files)
        {
            _ = DicomFile.Open(path, Options);
        }
    }
}
