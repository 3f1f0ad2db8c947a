using System.Text.Json.Nodes;
using Gateway.Dicom.Codecs;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Native;

/// <summary>
/// An encapsulated file under shared/data, how many of its frames to test, and the independent decoder that
/// gives the expected pixels: "gdcm", "dcmdjpeg", "dcmdjpls", "ojph", "opj", "reference" (the native pixels of
/// the uncompressed file <paramref name="Reference"/>, a known answer for lossless files), or "none" (frames
/// only, for files that must fail to decode).
/// </summary>
/// <param name="Tolerance">
/// The largest sample difference accepted: 0 (bit-exact) except where two implementations of the irreversible
/// 9/7 wavelet and ICT round differently, which Part 1 does not forbid.
/// </param>
/// <param name="Convert">
/// A DCMTK command (with options) that first converts <paramref name="File"/> into the file under test, run as
/// command + [file, converted]; for streams no file in shared/data has.
/// </param>
public sealed record DecodeCase(
    string File, string Oracle, int Frames = 1, string? Reference = null, int Tolerance = 0, string[]? Convert = null);

/// <summary>
/// The first frame of the uncompressed file <paramref name="Source"/> (under shared/data), encoded by the codec
/// under test into <paramref name="Syntax"/> and decoded again by the independent <paramref name="Oracle"/>.
/// <paramref name="Planar"/> feeds the encoder colour-by-plane input.
/// </summary>
public sealed record EncodeCase(string Source, DicomTransferSyntax Syntax, string Oracle, EncodeOptions Options, bool Planar = false);

/// <summary>One frame as stored in the file and as the oracle decoded it (DecodedFrame layout; empty for "none").</summary>
internal sealed record OracleFrame(byte[] Encoded, byte[] Expected);

internal sealed record DecodeSample(DicomTransferSyntax Syntax, FrameInfo Info, IReadOnlyList<OracleFrame> Frames);

/// <param name="Info">The source frame (interleaved).</param>
/// <param name="Native">The source frame's pixels (DecodedFrame layout).</param>
/// <param name="Decoded">What the oracle decoded from <paramref name="Encoded"/>, same layout.</param>
internal sealed record RoundTrip(FrameInfo Info, byte[] Native, byte[] Encoded, string EncodedPhotometric, byte[] Decoded);

[CollectionDefinition(Name)]
public sealed class NativeCodecCollection : ICollectionFixture<NativeCodecOracle>
{
    public const string Name = "Native codecs";
}

/// <summary>
/// Runs oracle.py for every native codec test in two Python processes (Python with pydicom and GDCM takes about
/// a second to start): the first splits every decode case into frames and decodes them with its oracle and reads
/// the encoders' uncompressed sources; the second, after all encodes, decodes the encoders' output. Cases whose
/// files are absent are left out; their tests skip.
/// </summary>
public sealed class NativeCodecOracle : IDisposable
{
    private static readonly Dictionary<string, IReadOnlyDictionary<string, DecodeCase>> DecodeSuites = new(StringComparer.Ordinal)
    {
        [nameof(Jpeg2000DecodeTests)] = Jpeg2000DecodeTests.Cases,
        [nameof(JpegLsDecodeTests)] = JpegLsDecodeTests.Cases,
        [nameof(JpegBaselineDecodeTests)] = JpegBaselineDecodeTests.Cases,
    };

    private static readonly Dictionary<string, EncodeSuite> EncodeSuites = new(StringComparer.Ordinal)
    {
        [nameof(Jpeg2000EncodeTests)] = new(Jpeg2000EncodeTests.Cases, new Jpeg2000Codec(), new Jpeg2000Codec().EncodedPhotometricInterpretation),
        [nameof(JpegLsEncodeTests)] = new(JpegLsEncodeTests.Cases, new JpegLsCodec(), new JpegLsCodec().EncodedPhotometricInterpretation),
        [nameof(JpegBaselineEncodeTests)] = new(JpegBaselineEncodeTests.Cases, new JpegBaselineCodec(), new JpegBaselineCodec().EncodedPhotometricInterpretation),
    };

    private readonly PythonOracle _oracle = new();
    private readonly Lazy<FirstRun> _firstRun;
    private readonly Lazy<Dictionary<(string Suite, string Name), Func<RoundTrip>>> _roundTrips;

    public NativeCodecOracle()
    {
        _firstRun = new Lazy<FirstRun>(RunFirst, LazyThreadSafetyMode.ExecutionAndPublication);
        _roundTrips = new Lazy<Dictionary<(string, string), Func<RoundTrip>>>(RunRoundTrips, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The frames of a decode case and their expected pixels; skips the test when its files are absent.</summary>
    internal DecodeSample Decode(string suite, string name)
    {
        var wanted = DecodeSuites[suite][name];
        TestData.RequireSharedData(wanted.File);
        if (wanted.Reference is not null)
        {
            TestData.RequireSharedData(wanted.Reference);
        }

        var (outcome, folder) = _firstRun.Value.Decodes[(suite, name)];
        if (!outcome.Ok)
        {
            Assert.Fail($"The oracle ({wanted.Oracle}) could not decode {wanted.File}: {outcome.Error}");
        }

        var frames = Enumerable.Range(0, outcome.Frames)
            .Select(k => new OracleFrame(
                File.ReadAllBytes(Path.Combine(folder, $"frame{k}.bin")),
                wanted.Oracle == "none" ? [] : File.ReadAllBytes(Path.Combine(folder, $"frame{k}.raw"))))
            .ToList();
        return new DecodeSample(DicomTransferSyntax.FromUid(outcome.TransferSyntaxUid!), outcome.Info!, frames);
    }

    /// <summary>An encode case's round trip through the codec and its oracle; skips the test when the source is absent.</summary>
    internal RoundTrip RoundTrip(string suite, string name)
    {
        TestData.RequireSharedData(EncodeSuites[suite].Cases[name].Source);
        return _roundTrips.Value[(suite, name)]();
    }

    public void Dispose() => _oracle.Dispose();

    private FirstRun RunFirst()
    {
        var root = TestData.SharedData ?? throw new InvalidOperationException("shared/data is absent");
        var decodes = DecodeSuites
            .SelectMany(s => s.Value.Select(c => (Key: (s.Key, c.Key), Case: c.Value)))
            .Where(c => File.Exists(Path.Combine(root, c.Case.File))
                && (c.Case.Reference is null || File.Exists(Path.Combine(root, c.Case.Reference))))
            .Select(c => (c.Key, c.Case, Folder: _oracle.NewFolder(Path.GetFileNameWithoutExtension(c.Case.File))))
            .ToList();
        var sources = EncodeSuites.Values
            .SelectMany(s => s.Cases.Values.Select(c => c.Source))
            .Distinct(StringComparer.Ordinal)
            .Where(s => File.Exists(Path.Combine(root, s)))
            .Select(s => (Source: s, Folder: _oracle.NewFolder(Path.GetFileNameWithoutExtension(s))))
            .ToList();

        var jobs = decodes.Select(d =>
        {
            var job = new JsonObject
            {
                ["kind"] = "extract",
                ["file"] = Path.Combine(root, d.Case.File),
                ["oracle"] = d.Case.Oracle,
                ["frames"] = d.Case.Frames,
                ["out"] = d.Folder,
            };
            if (d.Case.Reference is not null)
            {
                job["reference"] = Path.Combine(root, d.Case.Reference);
            }

            if (d.Case.Convert is not null)
            {
                job["convert"] = new JsonArray([.. d.Case.Convert.Select(a => (JsonNode)a)]);
            }

            return job;
        }).Concat(sources.Select(s => new JsonObject
        {
            ["kind"] = "native",
            ["file"] = Path.Combine(root, s.Source),
            ["frames"] = 1,
            ["out"] = s.Folder,
        })).ToList();

        var outcomes = _oracle.Run(jobs);
        return new FirstRun(
            decodes.Select((d, i) => (d.Key, Value: (outcomes[i], d.Folder))).ToDictionary(p => p.Key, p => p.Value),
            sources.Select((s, i) => (s.Source, Value: (outcomes[decodes.Count + i], s.Folder))).ToDictionary(p => p.Source, p => p.Value, StringComparer.Ordinal));
    }

    private Dictionary<(string, string), Func<RoundTrip>> RunRoundTrips()
    {
        var natives = _firstRun.Value.Natives;
        var results = new Dictionary<(string, string), Func<RoundTrip>>();
        var pending = new List<((string, string) Key, FrameInfo Info, byte[] Native, byte[] Encoded, string Photometric, string Output)>();
        var jobs = new List<JsonObject>();
        foreach (var (suiteName, suite) in EncodeSuites)
        {
            foreach (var (name, c) in suite.Cases.Where(c => natives.ContainsKey(c.Value.Source)))
            {
                var key = (suiteName, name);
                var (source, sourceFolder) = natives[c.Source];
                if (!source.Ok)
                {
                    results[key] = () => throw new InvalidOperationException($"The oracle could not read {c.Source}: {source.Error}");
                    continue;
                }

                var info = source.Info!;
                var native = File.ReadAllBytes(Path.Combine(sourceFolder, "frame0.raw"));
                var inputInfo = c.Planar ? info.With(info.PhotometricInterpretation, PlanarConfiguration.Planar) : info;
                var input = c.Planar ? ToPlanar(native, info) : native;
                byte[] encoded;
                try
                {
                    encoded = suite.Codec.Encode(input, c.Syntax, inputInfo, c.Options);
                }
                catch (DicomException error)
                {
                    results[key] = () => throw new InvalidOperationException($"Encoding {name} failed: {error.Message}", error);
                    continue;
                }

                var photometric = suite.EncodedPhotometric(c.Syntax, inputInfo);
                var folder = _oracle.NewFolder("encoded");
                var frame = Path.Combine(folder, "frame.bin");
                File.WriteAllBytes(frame, encoded);
                pending.Add((key, info, native, encoded, photometric, Path.Combine(folder, "decoded.raw")));
                jobs.Add(new JsonObject
                {
                    ["kind"] = "decode",
                    ["frame"] = frame,
                    ["info"] = PythonOracle.InfoJson(info.With(photometric, PlanarConfiguration.Interleaved)),
                    ["syntax"] = c.Syntax.Uid,
                    ["oracle"] = c.Oracle,
                    ["out"] = Path.Combine(folder, "decoded.raw"),
                });
            }
        }

        foreach (var (p, outcome) in pending.Zip(_oracle.Run(jobs)))
        {
            results[p.Key] = outcome.Ok
                ? () => new RoundTrip(p.Info, p.Native, p.Encoded, p.Photometric, File.ReadAllBytes(p.Output))
                : () => throw new InvalidOperationException($"The oracle could not decode the encoded frame of {p.Key}: {outcome.Error}");
        }

        return results;
    }

    private static byte[] ToPlanar(byte[] interleaved, FrameInfo info)
    {
        var planar = new byte[interleaved.Length];
        var bytes = info.BytesPerSample;
        var pixels = info.PixelCount;
        for (var p = 0; p < pixels; p++)
        {
            for (var s = 0; s < info.SamplesPerPixel; s++)
            {
                Array.Copy(interleaved, ((p * info.SamplesPerPixel) + s) * bytes, planar, ((s * pixels) + p) * bytes, bytes);
            }
        }

        return planar;
    }

    private sealed record EncodeSuite(
        IReadOnlyDictionary<string, EncodeCase> Cases, IPixelCodec Codec, Func<DicomTransferSyntax, FrameInfo, string> EncodedPhotometric);

    private sealed record FirstRun(
        Dictionary<(string Suite, string Name), (OracleOutcome Outcome, string Folder)> Decodes,
        Dictionary<string, (OracleOutcome Outcome, string Folder)> Natives);
}
