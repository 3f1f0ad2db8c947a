using System.Globalization;
using Gateway.Dicom;
using Gateway.Dicom.Imaging;

namespace Gateway.Bench;

/// <summary>
/// Decode time of every frame of each file through the public path, <see cref="FrameDecoder.Decode"/> with the
/// codec registry: the file is read once beforehand, so only decoding (and the codec's own copies and
/// allocations) is timed. One iteration decodes all frames of one file.
/// </summary>
internal static class DecodeBenchmark
{
    public static void Run(CodecFamily family, BenchArguments arguments)
    {
        if (arguments.Paths.Count == 0)
        {
            throw new ArgumentException($"{family.Name}: give the DICOM files whose frames to decode.");
        }

        if (arguments.PairedLibrary is { } library)
        {
            PairedDecodeBenchmark.Run(family, arguments, library);
            return;
        }

        var registry = family.Registry(arguments.Threads);
        var invariant = CultureInfo.InvariantCulture;
        Console.WriteLine("case\tsyntax\tgeometry\tframes\tencoded_bytes\tdecoded_bytes\titerations\tmedian_ms\tmin_ms\tdecoded_MB_per_s_median");
        foreach (var path in arguments.Paths)
        {
            var file = DicomFile.Open(path);
            if (!family.Contains(file.TransferSyntax))
            {
                throw new ArgumentException($"{path} is {file.TransferSyntax.Name}, not a {family.Name} file.");
            }

            var pixelData = DicomPixelData.Create(file.Dataset, file.TransferSyntax);
            var encoded = Enumerable.Range(0, pixelData.NumberOfFrames).Sum(i => (long)pixelData.GetEncodedFrame(i).Length);
            var decoded = Enumerable.Range(0, pixelData.NumberOfFrames).Sum(i => (long)FrameDecoder.Decode(pixelData, i, registry).Data.Length);
            var measurement = Measurement.Run(() => DecodeAll(pixelData, registry), arguments.Warmup, arguments.WarmupTime, arguments.Iterations);
            var info = pixelData.Info;
            Console.WriteLine(string.Join('\t',
                CaseName(path),
                file.TransferSyntax.Uid,
                $"{info.Columns}x{info.Rows}x{info.SamplesPerPixel} {info.BitsStored}/{info.BitsAllocated}",
                pixelData.NumberOfFrames.ToString(invariant),
                encoded.ToString(invariant),
                decoded.ToString(invariant),
                arguments.Iterations.ToString(invariant),
                measurement.Median.ToString("F3", invariant),
                measurement.Min.ToString("F3", invariant),
                (decoded / measurement.Median / 1000).ToString("F1", invariant)));
        }
    }

    /// <summary>The name a case goes by in every table: the file name without ".dcm".</summary>
    public static string CaseName(string path) => Path.GetFileNameWithoutExtension(path);

    private static void DecodeAll(DicomPixelData pixelData, DicomCodecRegistry registry)
    {
        for (var i = 0; i < pixelData.NumberOfFrames; i++)
        {
            _ = FrameDecoder.Decode(pixelData, i, registry);
        }
    }
}
