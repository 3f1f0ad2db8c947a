using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Managed;

/// <summary>
/// Runs tests/oracle/managed_codecs_oracle.py with Debian's /usr/bin/python3: it extracts the encoded
/// frames of the shared test files and what DCMTK (dcmdjpeg, dcmdrle) and pydicom+GDCM decode them to,
/// and decodes frames our encoders produced. Extraction runs once for all files and is cached in the
/// temp folder, keyed by the script and the file list.
/// </summary>
internal static class ManagedCodecOracle
{
    public const string AptPackages = "dcmtk python3-pydicom python3-gdcm python3-numpy";
    private const string Python = "/usr/bin/python3";

    private static readonly Lazy<string> Extracted = new(Extract, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Every JPEG lossless (.57 and .70) file in shared/data.</summary>
    public static IReadOnlyList<string> JpegLosslessFiles { get; } =
    [
        Conformance("cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_JPEGProcess14TransferSyntax_1.2.840.10008.1.2.4.57.dcm"),
        Conformance("cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70.dcm"),
        Conformance("dcm_qa_ts-MR-9-transfer-syntaxes/5.dcm"),
        Conformance("dcm_qa_ts-MR-9-transfer-syntaxes/6.dcm"),
        Conformance("fo-dicom/GH184.dcm"),
        Conformance("fo-dicom/IM-0001-0001-0001.dcm"),
        Conformance("nema-wg04-compression-samples/NM1_JPLL.dcm"),
        Conformance("pydicom-data/JPGLosslessP14SV1_1s_1f_8b.dcm"),
        Conformance("pydicom-data/bad_sequence.dcm"),
        Conformance("pylibjpeg-data/JPEGLosslessP14SV1_3s_2f_u_08_08.dcm"),
        Conformance("pylibjpeg-data/JPEGLossless_1s_1f_i_16_16_bad.dcm"),
        Conformance("pylibjpeg-data/JPEGLossless_1s_1f_u_16_12.dcm"),
        "xray/dicom/fo-dicom__CR-ModalitySequenceLUT_dental.dcm",
        "xray/dicom/fo-dicom__GH133_MG.dcm",
        "xray/dicom/fo-dicom__OutOfBoundsOverlay_MG.dcm",
        "xray/dicom/nema-wg04__RG2_JPLL.dcm",
    ];

    /// <summary>Every RLE Lossless file in shared/data.</summary>
    public static IReadOnlyList<string> RleFiles { get; } =
    [
        Conformance("cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_RLELosslessTransferSyntax_1.2.840.10008.1.2.5.dcm"),
        Conformance("cornerstone-CTImage-all-transfer-syntaxes/no-pixel-spacing.dcm"),
        Conformance("dcm_qa_ts-MR-9-transfer-syntaxes/4.dcm"),
        Conformance("fo-dicom/D_CLUNIE_CT1_RLE_FRAGS.dcm"),
        Conformance("pydicom-data/OBXXXX1A_rle_2frame.dcm"),
        Conformance("pydicom-data/emri_small_RLE.dcm"),
        Conformance("pydicom-data/liver_rle.dcm"),
        Conformance("pylibjpeg-data/SC_rgb_rle_32bit_2frame.dcm"),
    ];

    /// <summary>Every JPEG DCT file in shared/data that libturbojpeg 2.1 cannot decode (12-bit, progressive), and the 8-bit .4.51 ones.</summary>
    public static IReadOnlyList<string> JpegDctFiles { get; } =
    [
        Conformance("cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51.dcm"),
        Conformance("cornerstone-CTImage-all-transfer-syntaxes/CT0012.fragmented_no_bot_jpeg_baseline.51.dcm"),
        Conformance("cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_JPEGProcess6_8TransferSyntax_1.2.840.10008.1.2.4.53.dcm"),
        Conformance("cornerstone-CTImage-all-transfer-syntaxes/CTImage.dcm_JPEGProcess10_12TransferSyntax_1.2.840.10008.1.2.4.55.dcm"),
        Conformance("nema-wg04-compression-samples/RG2_JPLY.dcm"),
        Conformance("fo-dicom/GH195.dcm"),
        Conformance("pylibjpeg-data/JPEGExtended_3s_1f_u_08_08.dcm"),
    ];

    /// <summary>Every Deflated Image Frame Compression file in shared/data.</summary>
    public static IReadOnlyList<string> DeflatedImageFrameFiles { get; } = [Conformance("pydicom-data/liver_deflate.dcm")];

    /// <summary>Files neither DCMTK nor pydicom+GDCM decode, and the uncompressed file holding the same pixels.</summary>
    private static readonly Dictionary<string, string> References = new()
    {
        [Conformance("pydicom-data/liver_rle.dcm")] = Conformance("pydicom-data/liver.dcm"),
        [Conformance("pydicom-data/liver_deflate.dcm")] = Conformance("pydicom-data/liver.dcm"),
    };

    /// <summary>The encoded frames of a shared file and what the oracles decode them to; skips when shared/data is absent.</summary>
    public static OracleFile Load(string relativePath)
    {
        TestData.RequireSharedData(relativePath);
        var folder = Extracted.Value;
        var name = Path.GetFileName(relativePath);
        var geometry = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, name + ".json")))!;
        var frameCount = (int)geometry["frames"]!;
        var frames = new List<byte[]>();
        for (var i = 0; File.Exists(Path.Combine(folder, $"{name}.f{i}.bin")); i++)
        {
            frames.Add(File.ReadAllBytes(Path.Combine(folder, $"{name}.f{i}.bin")));
        }

        Assert.Equal(frameCount, frames.Count);
        var oracles = geometry["oracles"]!.AsArray()
            .Select(o => (string)o!)
            .ToDictionary(o => o, o => File.ReadAllBytes(Path.Combine(folder, $"{name}.{o}.raw")), StringComparer.Ordinal);
        return new OracleFile(name, DicomTransferSyntax.FromUid((string)geometry["syntax"]!), ToFrameInfo(geometry), frames, oracles);
    }

    /// <summary>Has the oracles decode frame sets our encoders produced; returns, per set, what each oracle decoded.</summary>
    public static IReadOnlyDictionary<string, OracleDecodings> Verify(IEnumerable<EncodedFrames> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        return RunBatch("verify", "verify.json", sets.Select(set => (set.Name, set.Info, set.Frames, new JsonObject { ["syntax"] = set.Syntax.Uid })), ReadDecoded);
    }

    /// <summary>
    /// Like <see cref="Verify"/> for single frames: frames of the same syntax and geometry travel together as
    /// one multi-frame file (one decoder run each), and each frame's decodings come back under its own name.
    /// </summary>
    public static IReadOnlyDictionary<string, OracleDecodings> VerifyFrames(IEnumerable<EncodedFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var groups = frames.GroupBy(f => (f.Syntax, f.Info)).Select((group, index) => (Name: $"group{index}", Frames: group.ToList())).ToList();
        var decoded = Verify(groups.Select(g => new EncodedFrames(g.Name, g.Frames[0].Syntax, g.Frames[0].Info, g.Frames.Select(f => f.Data).ToList())));
        var results = new Dictionary<string, OracleDecodings>(StringComparer.Ordinal);
        foreach (var (name, members) in groups)
        {
            var group = decoded[name];
            for (var i = 0; i < members.Count; i++)
            {
                var length = (int)members[i].Info.NativeFrameLength;
                var slices = group.Decoded
                    .Where(d => d.Value.Length == length * members.Count)
                    .ToDictionary(d => d.Key, d => d.Value.AsSpan(i * length, length).ToArray(), StringComparer.Ordinal);
                var errors = group.Errors.ToDictionary(StringComparer.Ordinal);
                foreach (var (oracle, data) in group.Decoded.Where(d => d.Value.Length != length * members.Count))
                {
                    errors[oracle] = $"decoded {data.Length} bytes for {members.Count} frames of {length}";
                }

                results[members[i].Name] = new OracleDecodings(members[i].Name, slices, errors);
            }
        }

        return results;
    }

    /// <summary>Has a DCMTK encoder (dcmcjpeg, dcmcrle) compress native frames; returns its frames and the oracles' decoding of them.</summary>
    public static IReadOnlyDictionary<string, DcmtkEncoded> EncodeWithDcmtk(IEnumerable<DcmtkEncodeRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return RunBatch(
            "encode",
            "encode.json",
            requests.Select(r => (r.Name, r.Info, r.NativeFrames, new JsonObject { ["tool"] = r.Tool, ["args"] = new JsonArray(r.Arguments.Select(a => (JsonNode)a!).ToArray()) })),
            (folder, name, entry) =>
            {
                var frames = new List<byte[]>();
                for (var i = 0; File.Exists(Path.Combine(folder, $"{name}.f{i}.bin")); i++)
                {
                    frames.Add(File.ReadAllBytes(Path.Combine(folder, $"{name}.f{i}.bin")));
                }

                var geometry = entry["geometry"]!;
                return new DcmtkEncoded(DicomTransferSyntax.FromUid((string)geometry["syntax"]!), ToFrameInfo(geometry), frames, ReadDecoded(folder, name + ".decoded", entry));
            });
    }

    private static Dictionary<string, T> RunBatch<T>(
        string mode,
        string reportName,
        IEnumerable<(string Name, FrameInfo Info, IReadOnlyList<byte[]> Frames, JsonObject Extra)> sets,
        Func<string, string, JsonNode, T> read)
    {
        var folder = Directory.CreateTempSubdirectory("gateway-managed-codecs-" + mode + "-").FullName;
        try
        {
            var items = new JsonArray();
            foreach (var (name, info, frames, extra) in sets)
            {
                var paths = new JsonArray();
                for (var i = 0; i < frames.Count; i++)
                {
                    var path = Path.Combine(folder, $"{name}.in{i}.bin");
                    File.WriteAllBytes(path, frames[i]);
                    paths.Add(path);
                }

                var item = ToJson(info);
                item["name"] = name;
                item["frames"] = paths;
                foreach (var (key, value) in extra)
                {
                    item[key] = value?.DeepClone();
                }

                items.Add(item);
            }

            var list = Path.Combine(folder, "list.json");
            File.WriteAllText(list, items.ToJsonString());
            RunScript(mode, folder, list);
            var report = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, reportName)))!.AsObject();
            return report.ToDictionary(e => e.Key, e => read(folder, e.Key, e.Value!), StringComparer.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static OracleDecodings ReadDecoded(string folder, string name, JsonNode entry) => new(
        name,
        entry["oracles"]!.AsArray()
            .Select(o => (string)o!)
            .ToDictionary(o => o, o => File.ReadAllBytes(Path.Combine(folder, $"{name}.{o}.raw")), StringComparer.Ordinal),
        entry["errors"]!.AsObject().ToDictionary(e => e.Key, e => (string)e.Value!, StringComparer.Ordinal));

    private static string Conformance(string path) => "dicom-conformance/" + path;

    private static FrameInfo ToFrameInfo(JsonNode geometry) => new(
        (int)geometry["rows"]!,
        (int)geometry["columns"]!,
        (int)geometry["samplesPerPixel"]!,
        (int)geometry["bitsAllocated"]!,
        (int)geometry["bitsStored"]!,
        (bool)geometry["signed"]!,
        (string)geometry["photometric"]!,
        (PlanarConfiguration)(int)geometry["planar"]!);

    private static JsonObject ToJson(FrameInfo info) => new()
    {
        ["rows"] = info.Rows,
        ["columns"] = info.Columns,
        ["samplesPerPixel"] = info.SamplesPerPixel,
        ["bitsAllocated"] = info.BitsAllocated,
        ["bitsStored"] = info.BitsStored,
        ["signed"] = info.IsSigned,
        ["photometric"] = info.PhotometricInterpretation,
    };

    private static string Extract()
    {
        var root = TestData.SharedData!;
        var specs = JpegLosslessFiles.Concat(RleFiles).Concat(DeflatedImageFrameFiles).Concat(JpegDctFiles)
            .Where(f => File.Exists(Path.Combine(root, f)))
            .Select(f => Path.Combine(root, f) + (References.TryGetValue(f, out var reference) ? "=" + Path.Combine(root, reference) : string.Empty))
            .ToList();
        var key = new StringBuilder(File.ReadAllText(ScriptPath));
        foreach (var spec in specs)
        {
            key.Append(spec).Append(new FileInfo(spec.Split('=')[0]).Length);
        }

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key.ToString())))[..16];
        var folder = Path.Combine(Path.GetTempPath(), "gateway-managed-codecs-oracle-" + hash);
        var done = Path.Combine(folder, "complete");
        if (File.Exists(done))
        {
            return folder;
        }

        foreach (var stale in Directory.EnumerateDirectories(Path.GetTempPath(), "gateway-managed-codecs-oracle-*").Where(d => d != folder && !d.Contains(".tmp-", StringComparison.Ordinal)))
        {
            Directory.Delete(stale, recursive: true);
        }

        var staging = folder + ".tmp-" + Environment.ProcessId;
        Directory.CreateDirectory(staging);
        RunScript(["extract", staging, .. specs]);
        File.WriteAllText(Path.Combine(staging, "complete"), string.Empty);
        try
        {
            Directory.Move(staging, folder);
        }
        catch (IOException) when (File.Exists(done))
        {
            Directory.Delete(staging, recursive: true);
        }

        return folder;
    }

    private static string ScriptPath => Path.Combine(TestData.RepositoryRoot, "tests", "oracle", "managed_codecs_oracle.py");

    private static void RunScript(params string[] arguments) =>
        ExternalTool.RunChecked(Python, [ScriptPath, .. arguments], AptPackages);
}

/// <summary>A shared test file: its frames as the codec receives them and each oracle's decoding of all of them.</summary>
internal sealed record OracleFile(
    string Name,
    DicomTransferSyntax Syntax,
    FrameInfo Info,
    IReadOnlyList<byte[]> Frames,
    IReadOnlyDictionary<string, byte[]> Oracles)
{
    /// <summary>Frame <paramref name="index"/> of an oracle's output.</summary>
    public ReadOnlySpan<byte> OracleFrame(string oracle, int index)
    {
        var length = (int)Info.NativeFrameLength;
        return Oracles[oracle].AsSpan(index * length, length);
    }
}

/// <summary>Frames one of our encoders (or a test) produced, for the oracles to decode.</summary>
internal sealed record EncodedFrames(string Name, DicomTransferSyntax Syntax, FrameInfo Info, IReadOnlyList<byte[]> Frames);

/// <summary>One frame one of our encoders produced.</summary>
internal sealed record EncodedFrame(string Name, DicomTransferSyntax Syntax, FrameInfo Info, byte[] Data);

/// <summary>Native frames for a DCMTK encoder to compress; <see cref="Tool"/> is dcmcjpeg or dcmcrle.</summary>
internal sealed record DcmtkEncodeRequest(string Name, FrameInfo Info, IReadOnlyList<byte[]> NativeFrames, string Tool, IReadOnlyList<string> Arguments);

/// <summary>What a DCMTK encoder produced (with the geometry it wrote, which may differ from the input's), and what DCMTK's decoder and pydicom decode it to.</summary>
internal sealed record DcmtkEncoded(DicomTransferSyntax Syntax, FrameInfo Info, IReadOnlyList<byte[]> Frames, OracleDecodings Oracles);

/// <summary>What each oracle decoded a frame set to (all frames concatenated), and why the others could not.</summary>
internal sealed record OracleDecodings(string Name, IReadOnlyDictionary<string, byte[]> Decoded, IReadOnlyDictionary<string, string> Errors)
{
    /// <summary>The decodings of <paramref name="oracles"/>; fails the test when one of them could not decode.</summary>
    public IEnumerable<(string Oracle, byte[] Data)> Require(params string[] oracles)
    {
        foreach (var oracle in oracles)
        {
            Assert.True(Decoded.ContainsKey(oracle), $"{Name}: {oracle} could not decode it: {Errors.GetValueOrDefault(oracle, "no result")}");
            yield return (oracle, Decoded[oracle]);
        }
    }
}
