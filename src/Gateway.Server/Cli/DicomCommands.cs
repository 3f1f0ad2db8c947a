using System.CommandLine;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Server.Cli;

/// <summary>`gateway dicom ...`: tools for looking at and converting DICOM files.</summary>
internal static class DicomCommands
{
    public static Command Create()
    {
        var command = new Command("dicom", "Inspect and convert DICOM files; talk to DICOM nodes.")
        {
            DumpCommand(),
            PixelsCommand(),
            TranscodeCommand(),
        };
        foreach (var network in NetworkCommands.Create())
        {
            command.Add(network);
        }

        return command;
    }

    private static Command DumpCommand()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The DICOM file." };
        var json = new Option<bool>("--json") { Description = "Print the data set as DICOM JSON (PS3.18 F.2) instead of text." };
        var command = new Command("dump", "Print every element of a DICOM file.") { file, json };
        command.SetAction(result => Run(() =>
        {
            var dicom = DicomFile.Open(result.GetRequiredValue(file).FullName);
            if (result.GetValue(json))
            {
                DicomDump.WriteJson(dicom, Console.Out);
            }
            else
            {
                DicomDump.WriteText(dicom, Console.Out);
            }
        }));
        return command;
    }

    private static Command PixelsCommand()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The DICOM file." };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the raw values.", Required = true };
        var command = new Command(
            "pixels",
            "Write the stored values of every frame: little endian, frame after frame, samples interleaved, colour as RGB, 1-bit data one byte per pixel.")
        {
            file, output,
        };
        command.SetAction(result => Run(() =>
        {
            var dicom = DicomFile.Open(result.GetRequiredValue(file).FullName);
            var pixelData = DicomPixelData.Create(dicom.Dataset, dicom.TransferSyntax);
            var length = WriteAtomically(result.GetRequiredValue(output).FullName, stream => StoredPixelValues.Write(pixelData, stream, DicomCodecRegistry.Default));
            Console.Error.WriteLine($"{pixelData.NumberOfFrames} frame(s) of {pixelData.Info.Rows} x {pixelData.Info.Columns}, {pixelData.Info.SamplesPerPixel} sample(s), {pixelData.Info.BitsAllocated} bits allocated, {length} bytes written.");
        }));
        return command;
    }

    private static Command TranscodeCommand()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The DICOM file." };
        var syntax = new Option<string>("--ts") { Description = "Target transfer syntax UID.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the result.", Required = true };
        var quality = new Option<int>("--quality") { Description = "JPEG baseline quality (1-100).", DefaultValueFactory = _ => EncodeOptions.Default.JpegQuality };
        var ratio = new Option<double>("--ratio") { Description = "JPEG 2000 lossy compression ratio.", DefaultValueFactory = _ => EncodeOptions.Default.Jpeg2000Ratio };
        var near = new Option<int>("--near") { Description = "JPEG-LS near-lossless NEAR value.", DefaultValueFactory = _ => EncodeOptions.Default.JpegLSNear };
        var predictor = new Option<int>("--predictor") { Description = "JPEG lossless (process 14) predictor, 1-7.", DefaultValueFactory = _ => EncodeOptions.Default.JpegLosslessPredictor };
        var command = new Command("transcode", "Rewrite a DICOM file in another transfer syntax, re-encoding its pixel data.")
        {
            file, syntax, output, quality, ratio, near, predictor,
        };
        command.SetAction(result => Run(() =>
        {
            var target = DicomTransferSyntax.FromUid(result.GetRequiredValue(syntax));
            if (!target.IsKnown)
            {
                throw new DicomException($"Unknown transfer syntax UID '{target.Uid}'.");
            }

            var options = new EncodeOptions
            {
                JpegQuality = result.GetValue(quality),
                Jpeg2000Ratio = result.GetValue(ratio),
                JpegLSNear = result.GetValue(near),
                JpegLosslessPredictor = result.GetValue(predictor),
            };
            var transcoder = new DicomTranscoder(DicomCodecRegistry.Default, options);
            var dicom = DicomFile.Open(result.GetRequiredValue(file).FullName);
            var transcoded = transcoder.Transcode(dicom, target);
            WriteAtomically(result.GetRequiredValue(output).FullName, transcoded.Save);
            var summary = transcoder.LastCompressionRatio is double achieved ? $" (lossy, ratio {achieved:0.##}:1)" : string.Empty;
            Console.Error.WriteLine($"{dicom.TransferSyntax.Name} -> {target.Name}{summary}");
        }));
        return command;
    }

    /// <summary>Writes through a temporary file renamed into place, so a failure leaves no partial output.</summary>
    private static long WriteAtomically(string path, Action<Stream> write)
    {
        var temporary = path + ".partial";
        try
        {
            long length;
            using (var stream = File.Create(temporary))
            {
                write(stream);
                length = stream.Length;
            }

            File.Move(temporary, path, overwrite: true);
            return length;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Runs a tool action; DICOM and I/O problems become a one-line message and exit code 1.</summary>
    private static int Run(Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (Exception exception) when (exception is DicomException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {exception.Message}");
            return 1;
        }
    }
}
