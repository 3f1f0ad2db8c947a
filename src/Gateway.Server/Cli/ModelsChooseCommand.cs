using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Gateway.Compression.Engine;
using Gateway.Compression.Models;
using Gateway.Compression.Onnx;
using Gateway.Compression.Quality;
using Gateway.Core.Compression;
using Gateway.Core.Compression.Representations;
using Gateway.Core.Headers;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Server.Cli;

/// <summary>
/// `gateway models choose --model ID [--min-psnr DB] [--min-ssim S] [--max-abs-error K] [--max-ratio R]
/// [--representations Latent,LatentResidual,J2kLossy] FILE...`: each DICOM file through the compress job's choice
/// (<see cref="RepresentationChooser"/> with the real latent engine and quality measure) without storing it; one JSON
/// line per file with the representation chosen, its encoded pixel bytes and every candidate tried, then a summary
/// line with the count and mean bytes per representation.
/// </summary>
internal static class ModelsChooseCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The model id (a folder of onnx-models).", DefaultValueFactory = _ => "compact-f16-c2" };
        var minPsnr = new Option<double?>("--min-psnr") { Description = "Least PSNR in dB (worst frame)." };
        var minSsim = new Option<double?>("--min-ssim") { Description = "Least SSIM (worst frame)." };
        var maxAbsError = new Option<int?>("--max-abs-error") { Description = "Largest absolute error in stored values." };
        var maxRatio = new Option<double?>("--max-ratio") { Description = "Largest irreversible compression ratio." };
        var representations = new Option<Representation[]>("--representations")
        {
            Description = "Allowed lossy representations (default: Latent LatentResidual J2kLossy).",
            AllowMultipleArgumentsPerToken = true,
        };
        var pixelsOnly = new Option<bool>("--pixels-only") { Description = "Compare encoded pixel bytes alone, not pixels plus the few header elements a Part 10 object (lossless, j2k-lossy) keeps." };
        var files = new Argument<FileInfo[]>("files") { Description = "Single-sample DICOM files.", Arity = ArgumentArity.OneOrMore };
        var models = ModelsCommands.ModelsOption();
        var command = new Command("choose", "Choose each file's representation as the compress job does (without storing it); print the choice and the candidates as JSON lines.")
        {
            model, minPsnr, minSsim, maxAbsError, maxRatio, representations, pixelsOnly, files, models,
        };
        command.SetAction(result => ModelsCommands.Run(() =>
        {
            using var runtime = OnnxRuntime.Create(new OnnxRuntimeOptions());
            using var registry = ModelRegistry.Load(
                new ModelRegistryOptions { Directory = ModelsCommands.ModelsDirectory(result.GetValue(models)) }, runtime, logger: null, CancellationToken.None);
            var engine = new LatentEngine(registry.Models);
            var allowed = result.GetValue(representations) is { Length: > 0 } given ? given : [.. CompressionAction.DefaultLossy];
            var errorOnly = result.GetValue(maxAbsError) is not null && result.GetValue(minPsnr) is null && result.GetValue(minSsim) is null;
            var target = new QualityTarget(
                errorOnly ? null : result.GetValue(minPsnr) ?? 30,
                errorOnly ? null : result.GetValue(minSsim) ?? 0.80,
                result.GetValue(maxAbsError),
                result.GetValue(maxRatio));
            var action = new CompressionAction(CompressionActionKind.Latent, result.GetValue(model), target, allowed, KeepLatent: false);
            var chooser = new RepresentationChooser(DicomCodecRegistry.Default, new QualityMeter());
            var summary = new SortedDictionary<string, (int Count, long Bytes, long AllIn)>(StringComparer.Ordinal);
            foreach (var file in result.GetValue(files)!)
            {
                var (line, representation, bytes, all) = Choose(engine, chooser, action, file, !result.GetValue(pixelsOnly));
                Console.WriteLine(line);
                if (representation is not null)
                {
                    var (count, total, totalAllIn) = summary.GetValueOrDefault(representation);
                    summary[representation] = (count + 1, total + bytes, totalAllIn + all);
                }
            }

            Console.WriteLine(JsonSerializer.Serialize(
                new
                {
                    target = target.ToString(),
                    summary = summary.ToDictionary(entry => entry.Key, entry => new
                    {
                        instances = entry.Value.Count,
                        pixelBytes = entry.Value.Bytes,
                        meanPixelBytes = Math.Round((double)entry.Value.Bytes / entry.Value.Count, 1),
                        meanAllInBytes = Math.Round((double)entry.Value.AllIn / entry.Value.Count, 1),
                    }),
                },
                JsonOptions));
            return 0;
        }));
        return command;
    }

    private static (string Line, string? Representation, long Bytes, long AllIn) Choose(LatentEngine engine, RepresentationChooser chooser, CompressionAction action, FileInfo file, bool allIn)
    {
        var dicom = DicomFile.Open(file.FullName);
        var pixelData = DicomPixelData.Create(dicom.Dataset, dicom.TransferSyntax);
        var pixels = PixelFramesReader.Read(dicom.Dataset, pixelData, DicomCodecRegistry.Default, out var unsupported);
        if (pixels is null)
        {
            return (JsonSerializer.Serialize(new { input = file.FullName, error = "not encodable: " + unsupported }), null, 0, 0);
        }

        var clock = Stopwatch.StartNew();
        var lossless = new LosslessEncoder(DicomCodecRegistry.Default).Encode(dicom, out _);
        var native = (long)pixels.Values.Length * (pixels.BitsAllocated / 8);
        var encoding = engine.Encode(action.ModelId!, pixels, CancellationToken.None);
        // The header goes to the header store whatever is chosen; a Part 10 object keeps a few elements of it.
        var header = HeaderContent.Read(HeaderContent.Write(dicom.Dataset));
        var headers = new StorageOverhead(
            lossless is null ? 0 : HeaderFreeFile.StoredForm(lossless.File, header).Length - lossless.PixelBytes,
            action.KeepLatent ? encoding.AiContainer.Length : 0);
        var choice = chooser.Choose(action, pixels, pixelData, lossless?.PixelBytes ?? native, encoding, allIn ? headers : StorageOverhead.None);
        var chosen = choice.Trials.Last(trial => trial.Qualifies && trial.Representation == choice.Name);
        return (JsonSerializer.Serialize(new
        {
            input = file.Name,
            representation = choice.Name,
            pixelBytes = chosen.Bytes,
            extraBytes = headers.Of(choice.Representation),
            nativeBytes = native,
            psnr = chosen.Psnr,
            ms = Math.Round(clock.Elapsed.TotalMilliseconds),
            candidates = choice.Trials,
        }, JsonOptions), choice.Name, chosen.Bytes, chosen.Bytes + headers.Of(choice.Representation));
    }
}
