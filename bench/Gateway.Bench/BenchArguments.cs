using System.Globalization;

namespace Gateway.Bench;

/// <summary>
/// The options shared by the subcommands: <c>--warmup N --warmup-seconds S --iterations N --threads N --out DIR --paired-with LIB</c>
/// and input paths.
/// </summary>
internal sealed record BenchArguments(
    int Warmup, TimeSpan WarmupTime, int Iterations, int Threads, string? OutputFolder, string? PairedLibrary, IReadOnlyList<string> Paths)
{
    public static BenchArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var warmup = 3;
        var warmupSeconds = 2;
        var iterations = 20;
        var threads = 0;
        string? output = null;
        string? paired = null;
        var paths = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--warmup":
                    warmup = ParseCount(args, ++i, 0);
                    break;
                case "--warmup-seconds":
                    warmupSeconds = ParseCount(args, ++i, 0);
                    break;
                case "--iterations":
                    iterations = ParseCount(args, ++i, 1);
                    break;
                case "--threads":
                    threads = ParseCount(args, ++i, 0);
                    break;
                case "--out":
                    output = Value(args, ++i);
                    break;
                case "--paired-with":
                    paired = Value(args, ++i);
                    break;
                default:
                    paths.Add(args[i]);
                    break;
            }
        }

        return new BenchArguments(warmup, TimeSpan.FromSeconds(warmupSeconds), iterations, threads, output, paired, ExpandPaths(paths));
    }

    /// <summary>Files as given, folders replaced by the files under them (sorted, so every run sees the same order).</summary>
    private static List<string> ExpandPaths(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                throw new ArgumentException($"No such file or folder: {path}");
            }
        }

        return files;
    }

    private static int ParseCount(IReadOnlyList<string> args, int index, int minimum)
    {
        var text = Value(args, index);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw new ArgumentException($"{args[index - 1]} needs a whole number of at least {minimum}, not '{text}'.");
    }

    private static string Value(IReadOnlyList<string> args, int index) =>
        index < args.Count ? args[index] : throw new ArgumentException($"{args[index - 1]} needs a value.");
}
