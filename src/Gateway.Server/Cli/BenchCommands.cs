using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Gateway.Compression.Engine;
using Gateway.Compression.Models;
using Gateway.Compression.Onnx;

namespace Gateway.Server.Cli;

/// <summary>`gateway bench codec` (and `bench compress`, <see cref="BenchCompressCommand"/>): encode and decode time of one model per 512 x 512 frame (run it on a quiet machine).</summary>
internal static class BenchCommands
{
    private const int Side = 512;

    public static Command Create() => new("bench", "Benchmarks.")
    {
        CodecCommand(),
        BenchCompressCommand.Create(),
    };

    private static Command CodecCommand()
    {
        var model = new Option<string>("--model") { Description = "Model id.", DefaultValueFactory = _ => "compact-f16-c2" };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads (0: one per core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var repeat = new Option<int>("--repeat") { Description = "Timed runs of each of encode and decode (after one untimed warm-up).", DefaultValueFactory = _ => 20 };
        var models = ModelsCommands.ModelsOption();
        var command = new Command("codec", "Time encode and decode of a 512 x 512 frame: p50 and p90 in milliseconds.")
        {
            model, threads, repeat, models,
        };
        command.SetAction(result => ModelsCommands.Run(() =>
        {
            var count = Math.Max(1, result.GetValue(repeat));
            var options = new OnnxRuntimeOptions { IntraOpThreads = result.GetValue(threads) };
            using var runtime = OnnxRuntime.Create(options);
            using var registry = ModelRegistry.Load(
                new ModelRegistryOptions { Directory = ModelsCommands.ModelsDirectory(result.GetValue(models)) }, runtime, logger: null, CancellationToken.None);
            var autoencoder = registry.Get(result.GetRequiredValue(model));
            var image = TestPattern();
            var latent = autoencoder.Encode(image, Side, Side, CancellationToken.None);
            autoencoder.Decode(latent, Side, Side, CancellationToken.None);

            var encode = Time(count, () => autoencoder.Encode(image, Side, Side, CancellationToken.None));
            var decode = Time(count, () => autoencoder.Decode(latent, Side, Side, CancellationToken.None));
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"model {autoencoder.Info.Id}, ONNX Runtime {runtime.Version}, {options.IntraOpThreads} intra-op thread(s), {Environment.ProcessorCount} core(s), {Side}x{Side}, {count} runs each"));
            Print("encode", encode);
            Print("decode", decode);
            return 0;
        }));
        return command;
    }

    private static double[] Time(int count, Action action)
    {
        var times = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
        return times;
    }

    private static void Print(string name, double[] sorted) => Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"{name}: p50 {Percentile(sorted, 0.5):0.0} ms  p90 {Percentile(sorted, 0.9):0.0} ms  min {sorted[0]:0.0} ms  max {sorted[^1]:0.0} ms"));

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double fraction) => sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>A 512 x 512 frame with smooth structure, edges and fine texture, in [-1, 1].</summary>
    private static float[] TestPattern()
    {
        var image = new float[Side * Side];
        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                var value = (0.6 * Math.Sin(x / 19.0) * Math.Cos(y / 27.0)) + (((x / 64) + (y / 64)) % 2 == 0 ? 0.2 : -0.2) + (0.05 * Math.Sin(x * 1.7 + y * 2.3));
                image[(y * Side) + x] = (float)Math.Clamp(value, -1, 1);
            }
        }

        return image;
    }
}
