using Gateway.Dicom.Codecs.Jpeg;
using Gateway.Dicom.Imaging;

namespace Gateway.Dicom.Tests.Codecs.Managed;

/// <summary>What our JPEG lossless encoder writes decodes, with DCMTK's dcmdjpeg and with pydicom+GDCM, to exactly the input.</summary>
public class JpegLosslessEncodeTests
{
    private static readonly IReadOnlyList<EncodeCase> Cases = BuildCases();

    private static readonly Lazy<IReadOnlyDictionary<string, OracleDecodings>> Decoded = new(() =>
        ManagedCodecOracle.VerifyFrames(Cases.Select(c => new EncodedFrame(c.Name, c.Syntax, c.Info with { PlanarConfiguration = PlanarConfiguration.Interleaved }, c.Encoded))));

    /// <summary>The first frame of each real JPEG lossless image (as DCMTK decodes it) re-encoded by us, each with another predictor, and the oracles' decoding.</summary>
    private static readonly Lazy<Dictionary<string, (OracleFile Source, OracleDecodings Decoded)>> RealImages = new(() =>
    {
        var codec = new JpegLosslessCodec();
        var sources = RealImageFiles
            .Where(f => TestData.SharedData is not null && File.Exists(Path.Combine(TestData.SharedData, f)))
            .Select((file, index) => (File: file, Source: ManagedCodecOracle.Load(file), Predictor: 1 + (index % 7)))
            .ToList();
        var decoded = ManagedCodecOracle.VerifyFrames(sources.Select(s => new EncodedFrame(
            s.Source.Name,
            DicomTransferSyntax.JpegLossless,
            s.Source.Info,
            codec.Encode(s.Source.OracleFrame("dcmtk", 0), DicomTransferSyntax.JpegLossless, s.Source.Info, new EncodeOptions { JpegLosslessPredictor = s.Predictor }))));
        return sources.ToDictionary(s => s.File, s => (s.Source, decoded[s.Source.Name]), StringComparer.Ordinal);
    });

    public static TheoryData<string> CaseNames() => new(Cases.Select(c => c.Name));

    public static TheoryData<string> RealFiles() => new(RealImageFiles);

    /// <summary>The JPEG lossless files of dicom-conformance (the large radiographs would only slow the suite down).</summary>
    private static IEnumerable<string> RealImageFiles =>
        ManagedCodecOracle.JpegLosslessFiles.Where(f => !f.StartsWith("xray/", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Encoded_image_decodes_to_the_input_with_dcmdjpeg_and_gdcm(string name)
    {
        var encodeCase = Cases.Single(c => c.Name == name);

        // GDCM 3.0.21 aborts on lossless JPEG of fewer than 8 bits in 8-bit samples; DCMTK is the oracle there.
        var oracles = encodeCase.Info.BitsStored < 8 ? new[] { "dcmtk" } : ["dcmtk", "pydicom"];
        foreach (var (oracle, decoded) in Decoded.Value[name].Require(oracles))
        {
            AssertBytes.Equal(encodeCase.Expected, decoded, $"{name} decoded by {oracle}");
        }
    }

    [Theory]
    [MemberData(nameof(RealFiles))]
    public void Real_images_reencoded_decode_to_the_original_pixels(string file)
    {
        TestData.RequireSharedData(file);
        var (source, decodings) = RealImages.Value[file];
        foreach (var (oracle, decoded) in decodings.Require("dcmtk", "pydicom"))
        {
            AssertBytes.Equal(source.OracleFrame("dcmtk", 0), decoded, $"{source.Name} decoded by {oracle}");
        }
    }

    [Fact]
    public void Selection_value_1_syntax_always_uses_predictor_1()
    {
        var info = new FrameInfo(16, 16, 1, 8, 8, false, "MONOCHROME2");
        var encoded = new JpegLosslessCodec().Encode(SyntheticImage.Create(info, 1), DicomTransferSyntax.JpegLosslessSV1, info, new EncodeOptions { JpegLosslessPredictor = 6 });
        var sos = encoded.AsSpan().IndexOf([JpegMarker.Prefix, JpegMarker.Sos]);
        Assert.Equal(1, encoded[sos + 7]);
    }

    [Theory]
    [InlineData(2, 8, 8, "MONOCHROME2")]
    [InlineData(1, 32, 32, "MONOCHROME2")]
    [InlineData(1, 1, 1, "MONOCHROME2")]
    [InlineData(3, 8, 8, "YBR_FULL_422")]
    public void Unsupported_layouts_are_refused(int samples, int bitsAllocated, int bitsStored, string photometric)
    {
        var info = new FrameInfo(4, 4, samples, bitsAllocated, bitsStored, false, photometric);
        var codec = new JpegLosslessCodec();
        Assert.False(codec.CanEncode(DicomTransferSyntax.JpegLossless, info));
        Assert.Throws<DicomCodecException>(() => codec.Encode(new byte[info.NativeFrameLength], DicomTransferSyntax.JpegLossless, info, EncodeOptions.Default));
    }

    private static List<EncodeCase> BuildCases()
    {
        var cases = new List<EncodeCase>();
        for (var predictor = 1; predictor <= 7; predictor++)
        {
            cases.Add(new($"sv{predictor}-16u", DicomTransferSyntax.JpegLossless, Mono(61, 47, 16, 16, false), predictor));
            cases.Add(new($"sv{predictor}-12s", DicomTransferSyntax.JpegLossless, Mono(33, 70, 16, 12, true), predictor));
            cases.Add(new($"sv{predictor}-rgb", DicomTransferSyntax.JpegLossless, Rgb(40, 35, PlanarConfiguration.Interleaved), predictor));
        }

        cases.Add(new("planar-rgb", DicomTransferSyntax.JpegLosslessSV1, Rgb(30, 44, PlanarConfiguration.Planar), 1));
        foreach (var bits in new[] { 1, 2, 3, 6, 8, 9, 11, 14, 15, 16 })
        {
            cases.Add(new($"sv1-{bits}bit", DicomTransferSyntax.JpegLosslessSV1, Mono(25, 38, bits <= 8 ? 8 : 16, bits, false), 1));
        }

        cases.Add(new("one-pixel", DicomTransferSyntax.JpegLosslessSV1, Mono(1, 1, 16, 16, false), 1));
        cases.Add(new("one-row", DicomTransferSyntax.JpegLossless, Mono(1, 300, 16, 13, false), 4));
        cases.Add(new("one-column", DicomTransferSyntax.JpegLossless, Mono(300, 1, 8, 8, false), 7));
        cases.Add(new("constant", DicomTransferSyntax.JpegLosslessSV1, Mono(20, 20, 16, 16, false), 1, Constant: true));
        cases.Add(new("full-swings-16bit", DicomTransferSyntax.JpegLossless, Mono(20, 20, 16, 16, true), 6, Extremes: true));
        return cases;
    }

    private static FrameInfo Mono(int rows, int columns, int bitsAllocated, int bitsStored, bool signed) =>
        new(rows, columns, 1, bitsAllocated, bitsStored, signed, "MONOCHROME2");

    private static FrameInfo Rgb(int rows, int columns, PlanarConfiguration planar) =>
        new(rows, columns, 3, 8, 8, false, "RGB", planar);

    private sealed record EncodeCase(string Name, DicomTransferSyntax Syntax, FrameInfo Info, int Predictor, bool Constant = false, bool Extremes = false)
    {
        public byte[] Expected { get; } = Image(Info, Name.Length, Constant, Extremes);

        public byte[] Encoded => new JpegLosslessCodec().Encode(
            Info.PlanarConfiguration == PlanarConfiguration.Planar ? SyntheticImage.ToPlanar(Expected, Info) : Expected,
            Syntax,
            Info,
            new EncodeOptions { JpegLosslessPredictor = Predictor });

        private static byte[] Image(FrameInfo info, int seed, bool constant, bool extremes)
        {
            var image = SyntheticImage.Create(info, seed);
            if (constant)
            {
                image.AsSpan().Fill(0x5A);
            }

            if (extremes)
            {
                // Alternate the smallest and largest 16-bit values: every difference is +-32768 (category 16) or close to it.
                for (var i = 0; i < image.Length; i += 2)
                {
                    var high = ((i / 2) + (i / 40)) % 2 == 0;
                    image[i] = high ? (byte)0xFF : (byte)0x00;
                    image[i + 1] = high ? (byte)0x7F : (byte)0x80;
                }
            }

            return image;
        }
    }
}
