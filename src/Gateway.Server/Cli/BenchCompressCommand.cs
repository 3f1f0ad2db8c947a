using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Gateway.Compression.Engine;
using Gateway.Compression.Models;
using Gateway.Compression.Onnx;
using Gateway.Core.Compression;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Server.Cli;

/// <summary>
/// `gateway bench compress FILE`: the compress job's latent work on one instance, wall and CPU time per frame, four
/// ways: with ONNX Runtime's intra-op spinning on and off, and with the gate's own decode of the stored container
/// (before issue 11) or reusing the engine's decode of the chosen container (since).
/// </summary>
internal static class BenchCompressCommand
{
    private static readonly bool[] OnThenOff = [true, false];

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model id.", DefaultValueFactory = _ => "compact-f16-c2" };
        var repeat = new Option<int>("--repeat") { Description = "Timed runs of each way (after one untimed warm-up).", DefaultValueFactory = _ => 10 };
        var file = new Argument<FileInfo>("file") { Description = "A single-sample DICOM file (e.g. a 512 x 512 CT slice)." };
        var models = ModelsCommands.ModelsOption();
        var command = new Command("compress", "Time the compress job's latent encode and gate per frame: spinning on/off, with and without the second decode.")
        {
            model, repeat, file, models,
        };
        command.SetAction(result => ModelsCommands.Run(() =>
        {
            var dicom = DicomFile.Open(result.GetRequiredValue(file).FullName);
            var pixels = PixelFramesReader.Read(dicom.Dataset, DicomPixelData.Create(dicom.Dataset, dicom.TransferSyntax), DicomCodecRegistry.Default, out var unsupported)
                ?? throw new DicomException("Not encodable: " + unsupported);
            var count = Math.Max(1, result.GetValue(repeat));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{pixels.Frames} x {pixels.Rows}x{pixels.Columns}, {Environment.ProcessorCount} core(s), {count} runs each"));
            foreach (var spinning in OnThenOff)
            {
                using var runtime = OnnxRuntime.Create(new OnnxRuntimeOptions { AllowSpinning = spinning });
                using var registry = ModelRegistry.Load(
                    new ModelRegistryOptions { Directory = ModelsCommands.ModelsDirectory(result.GetValue(models)) }, runtime, logger: null, CancellationToken.None);
                var engine = new LatentEngine(registry.Models);
                var modelId = result.GetRequiredValue(model);
                engine.Encode(modelId, pixels, CancellationToken.None);
                foreach (var secondDecode in OnThenOff)
                {
                    var (wall, cpu) = Time(count, () =>
                    {
                        var encoding = engine.Encode(modelId, pixels, CancellationToken.None);
                        var reconstruction = secondDecode ? engine.Decode(encoding.Container, CancellationToken.None) : encoding.Reconstruction;
                        GC.KeepAlive(reconstruction);
                    });
                    Console.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"spinning {(spinning ? "on " : "off")}, {(secondDecode ? "gate decodes the stored container again" : "gate reuses the engine's decode       ")}: wall p50 {wall / pixels.Frames:0.0} ms, CPU {cpu / pixels.Frames:0.0} ms per frame"));
                }
            }

            return 0;
        }));
        return command;
    }

    /// <summary>Median wall time and mean process CPU time (all threads) per run, in milliseconds.</summary>
    private static (double Wall, double Cpu) Time(int count, Action action)
    {
        var walls = new double[count];
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            walls[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        process.Refresh();
        Array.Sort(walls);
        return (walls[count / 2], (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / count);
    }
}
