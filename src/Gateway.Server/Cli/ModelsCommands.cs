using System.CommandLine;
using System.Globalization;
using Gateway.Compression.Engine;
using Gateway.Compression.Models;
using Gateway.Compression.Onnx;

namespace Gateway.Server.Cli;

/// <summary>`gateway models list|verify|eval`: the models under onnx-models, their files' sha256 and whether they run.</summary>
internal static class ModelsCommands
{
    public static Command Create() => new("models", "Inspect and check the compression models (onnx-models/*/model.json).")
    {
        ListCommand(),
        VerifyCommand(),
        ModelsEvalCommand.Create(),
        ModelsChooseCommand.Create(),
    };

    /// <summary>--models DIR: the folder of model folders (default: the onnx-models folder found above the current directory).</summary>
    public static Option<DirectoryInfo?> ModelsOption() => new("--models") { Description = "The folder holding the model folders (default: onnx-models, searched upwards)." };

    /// <summary>Runs a command body; the errors a user can fix become one line on stderr and exit code 1.</summary>
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception exception) when (exception is OnnxRuntimeException or IOException or InvalidDataException or KeyNotFoundException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {exception.Message}");
            return 1;
        }
    }

    public static string ModelsDirectory(DirectoryInfo? given) => given?.FullName ?? ModelRegistry.FindModelsDirectory();

    private static Command ListCommand()
    {
        var models = ModelsOption();
        var command = new Command("list", "Print each model: id, factor, latent channels, files with their sha256 check, card PSNR.") { models };
        command.SetAction(result => Run(() =>
        {
            var directory = ModelsDirectory(result.GetValue(models));
            var failures = 0;
            foreach (var path in Directory.GetDirectories(directory).Order(StringComparer.Ordinal).Where(path => File.Exists(Path.Combine(path, "model.json"))))
            {
                ModelFolder folder;
                try
                {
                    folder = ModelFolder.Open(path);
                }
                catch (InvalidDataException exception)
                {
                    Console.WriteLine($"{Path.GetFileName(path)}  UNREADABLE: {exception.Message}");
                    failures++;
                    continue;
                }

                var manifest = folder.Manifest;
                var mismatches = folder.FindMismatches(CancellationToken.None);
                failures += mismatches.Count > 0 ? 1 : 0;
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{manifest.Id}  f={manifest.Factor}  C={manifest.LatentChannels}  scale={manifest.ScalePerSide}  {manifest.Dimensions}D  card PSNR {manifest.CardPsnr:0.00} dB  sha256 {(mismatches.Count == 0 ? "ok" : "MISMATCH")}  model hash {folder.Sha256}"));
                foreach (var file in manifest.Files.Values.OrderBy(file => file.Name, StringComparer.Ordinal))
                {
                    var present = File.Exists(Path.Combine(path, file.Name));
                    Console.WriteLine($"    {file.Name,-14} {file.Bytes,12:N0} bytes  {file.Sha256}{(present ? string.Empty : "  (absent)")}");
                }

                foreach (var mismatch in mismatches)
                {
                    Console.WriteLine($"    MISMATCH: {mismatch}");
                }
            }

            return failures == 0 ? 0 : 1;
        }));
        return command;
    }

    private static Command VerifyCommand()
    {
        var models = ModelsOption();
        var command = new Command("verify", "Re-hash every model's files, load each into ONNX Runtime and run a small encode and decode; exit 1 on any failure.")
        {
            models,
        };
        command.SetAction(result => Run(() =>
        {
            using var runtime = OnnxRuntime.Create(new OnnxRuntimeOptions());
            using var registry = ModelRegistry.Load(
                new ModelRegistryOptions { Directory = ModelsDirectory(result.GetValue(models)) }, runtime, logger: null, CancellationToken.None);
            Console.WriteLine($"ONNX Runtime {runtime.Version}; models in {registry.Directory}");
            var failures = 0;
            foreach (var refused in registry.Refused)
            {
                Console.WriteLine($"{Path.GetFileName(refused.Directory)}  REFUSED: {refused.Reason}");
                failures++;
            }

            foreach (var model in registry.Models)
            {
                var problem = RoundTripProblem(model);
                Console.WriteLine($"{model.Info.Id}  {(problem is null ? "ok" : "FAILED: " + problem)}");
                failures += problem is null ? 0 : 1;
            }

            foreach (var id in registry.VolumeModelIds)
            {
                string? problem;
                try
                {
                    problem = RoundTripProblem(registry.GetVolume(id));
                }
                catch (KeyNotFoundException refused)
                {
                    problem = refused.Message;
                }

                Console.WriteLine($"{id}  {(problem is null ? "ok" : "FAILED: " + problem)}");
                failures += problem is null ? 0 : 1;
            }

            if (registry.Models.Count == 0 && registry.VolumeModelIds.Count == 0 && registry.Refused.Count == 0)
            {
                Console.WriteLine("no models found");
                failures++;
            }

            return failures == 0 ? 0 : 1;
        }));
        return command;
    }

    /// <summary>Encodes and decodes a 64 x 48 ramp; null when the shapes are right and the values finite and near the input.</summary>
    private static string? RoundTripProblem(IFrameAutoencoder model)
    {
        const int height = 64;
        const int width = 48;
        var image = new float[height * width];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[(y * width) + x] = (2f * (x + y) / (height + width - 2)) - 1f;
            }
        }

        try
        {
            var latent = model.Encode(image, height, width, CancellationToken.None);
            return RampProblem(image, model.Decode(latent, height, width, CancellationToken.None));
        }
        catch (OnnxRuntimeException exception)
        {
            return exception.Message;
        }
    }

    /// <summary>Encodes and decodes a 24 x 32 x 40 ramp through a 3D model, as <see cref="RoundTripProblem(IFrameAutoencoder)"/> does a frame.</summary>
    private static string? RoundTripProblem(IVolumeAutoencoder model)
    {
        var size = new VolumeSize(24, 32, 40);
        var volume = new float[size.Voxels];
        for (var i = 0; i < volume.Length; i++)
        {
            var (z, y, x) = (i / (size.Height * size.Width), i / size.Width % size.Height, i % size.Width);
            volume[i] = (2f * (x + y + z) / (size.Depth + size.Height + size.Width - 3)) - 1f;
        }

        try
        {
            var latent = model.Encode(volume, size, CancellationToken.None);
            return RampProblem(volume, model.Decode(latent, size, CancellationToken.None));
        }
        catch (OnnxRuntimeException exception)
        {
            return exception.Message;
        }
    }

    private static string? RampProblem(float[] ramp, float[] decoded)
    {
        var worst = 0f;
        for (var i = 0; i < ramp.Length; i++)
        {
            if (!float.IsFinite(decoded[i]))
            {
                return "the decoder returned a non-finite value";
            }

            worst = Math.Max(worst, Math.Abs(decoded[i] - ramp[i]));
        }

        return worst <= 0.25f ? null : string.Create(CultureInfo.InvariantCulture, $"a smooth ramp came back with an error of {worst:0.000} (in [-1, 1] units)");
    }
}
