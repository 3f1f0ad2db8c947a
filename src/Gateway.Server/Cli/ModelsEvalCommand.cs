using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Gateway.Compression.Engine;
using Gateway.Compression.Models;
using Gateway.Compression.Onnx;
using Gateway.Compression.Quality;
using Gateway.Core.Compression;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Server.Cli;

/// <summary>
/// `gateway models eval --model ID [--out-dir DIR] FILE...`: each DICOM file through the gateway's latent engine
/// (encode, container, decode) as the compress job does it; one JSON line per file with the container's size, the
/// quantization, PSNR/SSIM against the input and the times; with --out-dir, the reconstruction's stored values as
/// little-endian int32 (bench/codec_eval.py compares them with JPEG 2000 and bicubic).
/// </summary>
internal static class ModelsEvalCommand
{
    /// <summary>PSNR is Infinity for an exact reconstruction.</summary>
    private static readonly JsonSerializerOptions JsonOptions = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The model id (a folder of onnx-models).", Required = true };
        var outDirectory = new Option<DirectoryInfo?>("--out-dir") { Description = "Write each reconstruction there as <file name>.raw (int32, frame after frame)." };
        var files = new Argument<FileInfo[]>("files") { Description = "Single-sample DICOM files.", Arity = ArgumentArity.OneOrMore };
        var models = ModelsCommands.ModelsOption();
        var command = new Command("eval", "Encode and decode DICOM files with a model as the compress job does; print stored bytes, quantization, PSNR, SSIM and times as JSON lines.")
        {
            model, outDirectory, files, models,
        };
        command.SetAction(result => ModelsCommands.Run(() =>
        {
            using var runtime = OnnxRuntime.Create(new OnnxRuntimeOptions());
            using var registry = ModelRegistry.Load(
                new ModelRegistryOptions { Directory = ModelsCommands.ModelsDirectory(result.GetValue(models)) }, runtime, logger: null, CancellationToken.None);
            var engine = new LatentEngine(registry.Models);
            var modelId = result.GetValue(model)!;
            var output = result.GetValue(outDirectory);
            output?.Create();
            var failures = 0;
            foreach (var file in result.GetValue(files)!)
            {
                var line = Evaluate(engine, modelId, file, output, out var failed);
                failures += failed ? 1 : 0;
                Console.WriteLine(line);
            }

            return failures == 0 ? 0 : 1;
        }));
        return command;
    }

    private static string Evaluate(LatentEngine engine, string modelId, FileInfo file, DirectoryInfo? output, out bool failed)
    {
        failed = true;
        PixelFrames? pixels;
        string? unsupported;
        try
        {
            var dicom = DicomFile.Open(file.FullName);
            pixels = PixelFramesReader.Read(dicom.Dataset, DicomPixelData.Create(dicom.Dataset, dicom.TransferSyntax), DicomCodecRegistry.Default, out unsupported);
        }
        catch (DicomException exception)
        {
            return JsonSerializer.Serialize(new { input = file.FullName, error = exception.Message });
        }

        if (pixels is null)
        {
            return JsonSerializer.Serialize(new { input = file.FullName, error = "not encodable: " + unsupported });
        }

        var clock = Stopwatch.StartNew();
        var encoding = engine.Encode(modelId, pixels, CancellationToken.None);
        var encodeMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var reconstruction = engine.Decode(encoding.Container, CancellationToken.None);
        var decodeMs = clock.Elapsed.TotalMilliseconds;
        var quality = QualityMetrics.Measure(pixels, reconstruction);
        string? written = null;
        if (output is not null)
        {
            written = Path.Combine(output.FullName, file.Name + ".raw");
            using var stream = File.Create(written);
            var bytes = new byte[reconstruction.Values.Length * sizeof(int)];
            Buffer.BlockCopy(reconstruction.Values, 0, bytes, 0, bytes.Length);
            if (!BitConverter.IsLittleEndian)
            {
                throw new PlatformNotSupportedException("Reconstructions are written little-endian on little-endian machines only.");
            }

            stream.Write(bytes);
        }

        failed = false;
        return JsonSerializer.Serialize(new
        {
            input = file.FullName,
            output = written,
            model = encoding.ModelId,
            rows = pixels.Rows,
            columns = pixels.Columns,
            frames = pixels.Frames,
            pixelBytes = (long)pixels.Values.Length * ((pixels.BitsAllocated + 7) / 8),
            containerBytes = encoding.Container.Length,
            quantization = encoding.Quantization,
            psnr = Math.Round(quality.Psnr, 4),
            ssim = Math.Round(quality.Ssim, 5),
            encodeMs = Math.Round(encodeMs, 1),
            decodeMs = Math.Round(decodeMs, 1),
        }, JsonOptions);
    }
}
