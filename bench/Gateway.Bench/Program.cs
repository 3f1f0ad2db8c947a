using Gateway.Bench;

const string Usage = """
    gateway-bench: timings of the Gateway.Dicom toolkit (single thread unless --threads; Release build).
      headers [--warmup N] [--iterations N] PATH...        DicomFile.Open(StopBeforePixelData) of every file, files/s
      j2k     [--warmup N] [--iterations N] [--threads N] FILE...   decode every frame (JPEG 2000)
      jpegls  [--warmup N] [--iterations N] FILE...         decode every frame (JPEG-LS)
        j2k and jpegls with --paired-with LIB: frame 1 decoded by us and by LIB (bench/native/decode_bench.c built
        with -DDECODE_BENCH_LIBRARY -shared) in turn, in this process; prints both and the median of the ratios
      jpegll  [--warmup N] [--iterations N] FILE...         decode every frame (JPEG lossless, process 14)
      extract --out FOLDER FILE...                          write frame 1's codestream of each file for native tools
    --warmup N and --warmup-seconds S: untimed runs, at least N of them and at least S seconds (defaults 3 and 2).
    Results are tab-separated lines on standard output; times in milliseconds.
    """;

if (args.Length == 0)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

try
{
    var arguments = BenchArguments.Parse(args[1..]);
    switch (args[0])
    {
        case "headers":
            HeaderBenchmark.Run(arguments);
            break;
        case "j2k":
            DecodeBenchmark.Run(CodecFamily.Jpeg2000, arguments);
            break;
        case "jpegls":
            DecodeBenchmark.Run(CodecFamily.JpegLS, arguments);
            break;
        case "jpegll":
            DecodeBenchmark.Run(CodecFamily.JpegLossless, arguments);
            break;
        case "extract":
            CodestreamExtractor.Run(arguments);
            break;
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }

    return 0;
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine($"gateway-bench: {exception.Message}");
    return 2;
}
