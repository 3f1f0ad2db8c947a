using System.Text.Json.Nodes;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Native;

/// <summary>
/// The first frame of the uncompressed file <paramref name="Source"/> (under shared/data), encoded by the codec
/// under test into <paramref name="Syntax"/> and decoded again by the independent <paramref name="Oracle"/>
/// (see oracle.py). <paramref name="Planar"/> feeds the encoder colour-by-plane input.
/// </summary>
public sealed record EncodeCase(string Source, DicomTransferSyntax Syntax, string Oracle, EncodeOptions Options, bool Planar = false);

/// <param name="Info">The source frame (interleaved).</param>
/// <param name="Native">The source frame's pixels (DecodedFrame layout).</param>
/// <param name="Decoded">What the oracle decoded from <paramref name="Encoded"/>, same layout.</param>
internal sealed record RoundTrip(FrameInfo Info, byte[] Native, byte[] Encoded, string EncodedPhotometric, byte[] Decoded);

/// <summary>
/// Does all round trips of a test class at the first request: one Python run to read the sources, the encodes,
/// one Python run to decode them. Cases whose source file is absent are left out; their tests skip.
/// </summary>
public sealed class RoundTripFixture : IDisposable
{
    private readonly PythonOracle _oracle = new();
    private readonly Lock _gate = new();
    private Dictionary<string, Func<RoundTrip>>? _results;

    internal RoundTrip Get(
        IReadOnlyDictionary<string, EncodeCase> cases, string name, IPixelCodec codec, Func<DicomTransferSyntax, FrameInfo, string> encodedPhotometric)
    {
        TestData.RequireSharedData(cases[name].Source);
        lock (_gate)
        {
            _results ??= Run(cases, codec, encodedPhotometric);
        }

        return _results[name]();
    }

    public void Dispose() => _oracle.Dispose();

    private Dictionary<string, Func<RoundTrip>> Run(
        IReadOnlyDictionary<string, EncodeCase> cases, IPixelCodec codec, Func<DicomTransferSyntax, FrameInfo, string> encodedPhotometric)
    {
        var root = TestData.SharedData!;
        var sources = cases.Values.Select(c => c.Source).Distinct().Where(s => File.Exists(Path.Combine(root, s))).ToList();
        var sourceFolders = sources.ToDictionary(s => s, s => _oracle.NewFolder(Path.GetFileNameWithoutExtension(s)));
        var sourceOutcomes = _oracle.Run([.. sources.Select(s => new JsonObject
        {
            ["kind"] = "native",
            ["file"] = Path.Combine(root, s),
            ["frames"] = 1,
            ["out"] = sourceFolders[s],
        })]);
        var natives = sources.Select((s, i) => (s, sourceOutcomes[i])).ToDictionary(p => p.s, p => p.Item2);

        var results = new Dictionary<string, Func<RoundTrip>>(StringComparer.Ordinal);
        var pending = new List<(string Name, FrameInfo Info, byte[] Native, byte[] Encoded, string Photometric, string Output)>();
        var jobs = new List<JsonObject>();
        foreach (var (name, c) in cases.Where(c => natives.ContainsKey(c.Value.Source)))
        {
            var source = natives[c.Source];
            if (!source.Ok)
            {
                results[name] = () => throw new InvalidOperationException($"The oracle could not read {c.Source}: {source.Error}");
                continue;
            }

            var info = source.Info!;
            var native = File.ReadAllBytes(Path.Combine(sourceFolders[c.Source], "frame0.raw"));
            var inputInfo = c.Planar ? info.With(info.PhotometricInterpretation, PlanarConfiguration.Planar) : info;
            var input = c.Planar ? ToPlanar(native, info) : native;
            byte[] encoded;
            try
            {
                encoded = codec.Encode(input, c.Syntax, inputInfo, c.Options);
            }
            catch (DicomException error)
            {
                results[name] = () => throw error;
                continue;
            }

            var photometric = encodedPhotometric(c.Syntax, inputInfo);
            var folder = _oracle.NewFolder("encoded");
            var frame = Path.Combine(folder, "frame.bin");
            File.WriteAllBytes(frame, encoded);
            pending.Add((name, info, native, encoded, photometric, Path.Combine(folder, "decoded.raw")));
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

        var outcomes = _oracle.Run(jobs);
        foreach (var (p, outcome) in pending.Zip(outcomes))
        {
            results[p.Name] = outcome.Ok
                ? () => new RoundTrip(p.Info, p.Native, p.Encoded, p.Photometric, File.ReadAllBytes(p.Output))
                : () => throw new InvalidOperationException($"The oracle could not decode the encoded frame of {p.Name}: {outcome.Error}");
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
}
